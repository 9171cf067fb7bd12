// Readiness for systemd's Type=notify (deploy/whisper-server.service): the unit counts
// as started only once the server listens, so units ordered after it (a proxy, a health
// probe) never meet a refused connection, and a server that fails at start-up fails the
// unit instead of looking started.
#pragma once

namespace whisper_server {

/// Sends READY=1 when made (the listener is up) and STOPPING=1 when destroyed (serving
/// ended), through libsystemd's sd_notify. Outside systemd (no NOTIFY_SOCKET), or in a
/// build without libsystemd, it does nothing.
///
/// Thread safety: make and destroy it on one thread.
class systemd_readiness {
 public:
  systemd_readiness();
  ~systemd_readiness();
  systemd_readiness(const systemd_readiness&) = delete;
  systemd_readiness& operator=(const systemd_readiness&) = delete;
};

}  // namespace whisper_server
