#include "tls_context.hpp"

#ifdef WHISPER_HAVE_TLS

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstring>

#include "whisper/asio/server.hpp"

namespace whisper::net {

namespace {

// OpenSSL's reason for the last failure. The earliest queued error is the root cause
// ("No such file or directory", "no start line"); the later ones only say where it
// surfaced ("system lib", "PEM lib").
std::string openssl_reason(const asio::error_code& ec) {
  const unsigned long first = ERR_get_error();
  ERR_clear_error();
  std::string reason;
  if (first != 0) {
    if (ERR_GET_LIB(first) == ERR_LIB_SYS) {
      reason = std::strerror(ERR_GET_REASON(first));
    } else if (const char* text = ERR_reason_error_string(first)) {
      reason = text;
    }
  }
  if (reason.empty()) reason = ec ? ec.message() : "unknown OpenSSL error";
  return reason;
}

}  // namespace

std::unique_ptr<asio::ssl::context> make_tls_context(const std::string& cert_file,
                                                     const std::string& key_file) {
  if (cert_file.empty() || key_file.empty()) {
    throw tls_error("TLS needs both a certificate and a private key file (got only one)");
  }
  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  ERR_clear_error();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  // Compression invites CRIME; renegotiation lets a client make the server do handshakes
  // on demand; the server's cipher order puts the strong suites first.
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                  SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_SINGLE_DH_USE);
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);  // idle connections keep no buffers

  // OpenSSL directly rather than asio's wrappers: they keep only the last, least telling
  // error of the queue.
  if (SSL_CTX_use_certificate_chain_file(native, cert_file.c_str()) != 1) {
    throw tls_error("cannot load TLS certificate " + cert_file + ": " + openssl_reason({}));
  }
  if (SSL_CTX_use_PrivateKey_file(native, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    throw tls_error("cannot load TLS private key " + key_file + ": " + openssl_reason({}));
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    throw tls_error("TLS private key " + key_file + " does not match the certificate " + cert_file +
                    ": " + openssl_reason({}));
  }
  return context;
}

}  // namespace whisper::net

#endif
