// TLS for the transport's listening port (https://, wss://): which certificate, and
// whether this build can do TLS at all (WHISPER_WITH_TLS, OpenSSL through asio::ssl).
#pragma once

#include <string>

namespace whisper::net {

/// The PEM files of the listening port. Both set: HTTPS and WSS only on this port; both
/// empty: plain HTTP. Plain value type.
///
/// Thread safety: distinct objects safe; a shared object is safe for concurrent reads.
struct tls_options {
  std::string cert_file;  ///< certificate chain, leaf first
  std::string key_file;   ///< its private key
  /// True when a certificate or key is configured (listen() then sets up TLS or throws).
  bool enabled() const { return !cert_file.empty() || !key_file.empty(); }
};

/// True when this build of the component has TLS support (built WHISPER_WITH_TLS);
/// without it, a configured certificate makes server::listen() throw tls_error.
/// Thread safety: a pure function.
bool tls_supported();

}  // namespace whisper::net
