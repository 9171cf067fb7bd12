// Test helpers for the TLS transport (only with WHISPER_HAVE_TLS): a self-signed
// certificate made for the test by /usr/bin/openssl, and a blocking TLS client that
// verifies the server against it. Every read has a deadline, like ws_test_client's.
#pragma once

#ifdef WHISPER_HAVE_TLS

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "support/ws_test_client.hpp"

namespace whisper_test {

/// A temporary directory with cert.pem and key.pem for CN/SAN 127.0.0.1, removed again
/// by the destructor. Thread safety: one thread per object.
class self_signed_certificate {
 public:
  self_signed_certificate();  // throws std::runtime_error if openssl fails
  ~self_signed_certificate();
  self_signed_certificate(const self_signed_certificate&) = delete;
  self_signed_certificate& operator=(const self_signed_certificate&) = delete;

  std::string cert_file() const { return dir_ + "/cert.pem"; }
  std::string key_file() const { return dir_ + "/key.pem"; }
  std::string dir() const { return dir_; }

 private:
  std::string dir_;
};

/// Thread safety: one thread per object.
class tls_test_client {
 public:
  /// Connects to 127.0.0.1:port and completes a TLS handshake that verifies the server
  /// certificate against `trusted_cert` (and its name, 127.0.0.1); throws on failure.
  tls_test_client(std::uint16_t port, const std::string& trusted_cert);

  void send_raw(std::string_view bytes);
  void send_text(std::string_view text) { send_raw(client_frame(0x1, text)); }
  std::optional<http_reply> read_reply(std::chrono::milliseconds timeout = 5s);
  http_reply request(std::string_view raw) {
    return (send_raw(raw), read_reply().value_or(http_reply{}));
  }
  std::optional<server_frame> read_frame(std::chrono::milliseconds timeout = 5s);
  std::optional<std::string> read_text_containing(std::string_view needle,
                                                  std::chrono::milliseconds timeout = 5s);

 private:
  // Runs the io_context until `done` or the deadline (then cancels): true when done.
  bool run_until(const bool& done, std::chrono::steady_clock::time_point deadline);
  bool fill(std::chrono::steady_clock::time_point deadline);

  asio::io_context io_;
  asio::ssl::context context_;
  asio::ssl::stream<asio::ip::tcp::socket> stream_;
  std::string buffer_;
};

}  // namespace whisper_test

#endif
