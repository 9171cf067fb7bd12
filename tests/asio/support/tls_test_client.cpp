#include "support/tls_test_client.hpp"

#ifdef WHISPER_HAVE_TLS

#include <asio/connect.hpp>
#include <asio/ssl/host_name_verification.hpp>
#include <asio/write.hpp>
#include <cstdlib>
#include <stdexcept>

namespace whisper_test {

self_signed_certificate::self_signed_certificate() {
  char pattern[] = "/tmp/whisper-tls-test-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  // An EC key: generated in milliseconds. The SAN lets the client check the name.
  const std::string command =
      "/usr/bin/openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
      "-days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
      key_file() + " -out " + cert_file() + " 2>/dev/null";
  if (std::system(command.c_str()) != 0) throw std::runtime_error("openssl req failed");
}

self_signed_certificate::~self_signed_certificate() {
  const std::string command = "rm -rf '" + dir_ + "'";
  (void)std::system(command.c_str());
}

tls_test_client::tls_test_client(std::uint16_t port, const std::string& trusted_cert)
    : context_(asio::ssl::context::tls_client), stream_(io_, context_) {
  context_.load_verify_file(trusted_cert);
  stream_.set_verify_mode(asio::ssl::verify_peer);
  stream_.set_verify_callback(asio::ssl::host_name_verification("127.0.0.1"));
  stream_.next_layer().connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  stream_.next_layer().set_option(asio::ip::tcp::no_delay(true));
  bool done = false;
  asio::error_code handshake_ec;
  stream_.async_handshake(asio::ssl::stream_base::client, [&](const asio::error_code& ec) {
    handshake_ec = ec;
    done = true;
  });
  if (!run_until(done, std::chrono::steady_clock::now() + 5s)) {
    throw std::runtime_error("TLS handshake timed out");
  }
  if (handshake_ec) throw std::runtime_error("TLS handshake failed: " + handshake_ec.message());
}

bool tls_test_client::run_until(const bool& done, std::chrono::steady_clock::time_point deadline) {
  io_.restart();
  while (!done && std::chrono::steady_clock::now() < deadline) {
    io_.run_one_until(deadline);
  }
  if (done) return true;
  asio::error_code ec;
  stream_.next_layer().cancel(ec);  // the handler runs with operation_aborted
  io_.restart();
  while (!done) io_.run_one();
  return false;
}

void tls_test_client::send_raw(std::string_view bytes) {
  asio::error_code ec;
  asio::write(stream_, asio::buffer(bytes.data(), bytes.size()), ec);  // small: no deadline
}

bool tls_test_client::fill(std::chrono::steady_clock::time_point deadline) {
  char chunk[16384];
  bool done = false;
  asio::error_code read_ec;
  std::size_t read = 0;
  stream_.async_read_some(asio::buffer(chunk), [&](const asio::error_code& ec, std::size_t n) {
    read_ec = ec;
    read = n;
    done = true;
  });
  if (!run_until(done, deadline) || read_ec) return false;
  buffer_.append(chunk, read);
  return true;
}

std::optional<http_reply> tls_test_client::read_reply(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto reply = take_http_reply(buffer_)) return reply;
    if (!fill(deadline)) return std::nullopt;
  }
}

std::optional<server_frame> tls_test_client::read_frame(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto frame = take_server_frame(buffer_)) return frame;
    if (!fill(deadline)) return std::nullopt;
  }
}

std::optional<std::string> tls_test_client::read_text_containing(
    std::string_view needle, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto frame = read_frame(left);
    if (!frame) return std::nullopt;
    if (frame->opcode == 0x1 && frame->payload.find(needle) != std::string::npos) {
      return frame->payload;
    }
  }
}

}  // namespace whisper_test

#endif
