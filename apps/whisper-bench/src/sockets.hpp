// The few socket operations the bench needs, as plain functions over file
// descriptors: the open-file limit, non-blocking loopback connects from a chosen
// source address, and a loopback listener for the self-test.
//
// Thread safety: all functions are safe to call from any thread.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <string>

namespace whisper_bench {

// Raises the soft RLIMIT_NOFILE to the hard limit; returns the soft limit now in force.
std::uint64_t raise_open_file_limit();

// The destination, resolved once.
sockaddr_in make_ipv4(const std::string& host, int port);

// Creates a non-blocking TCP socket with TCP_NODELAY and starts connecting it to
// `target`. If `source_index` > 0 the socket is bound first to 127.0.0.(1+index) with
// IP_BIND_ADDRESS_NO_PORT, so the ephemeral port is chosen at connect time per
// 4-tuple: that is what lets more than ~28k connections reach one server port.
// Returns the fd, or -errno on failure.
int start_connect(const sockaddr_in& target, int source_index);

// The outcome of a non-blocking connect once the socket became writable (0: connected).
int connect_error(int fd);

// A blocking listener on 127.0.0.1 with an ephemeral port; returns the fd and sets `port`.
int listen_loopback(int& port);

}  // namespace whisper_bench
