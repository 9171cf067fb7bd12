// The server's TLS configuration (built only with WHISPER_HAVE_TLS): one OpenSSL context
// shared by every io thread (SSL_CTX is safe to create connections from concurrently).
#pragma once

#ifdef WHISPER_HAVE_TLS

#include <asio/ssl/context.hpp>
#include <memory>
#include <string>

namespace whisper::net {

/// A server context with the PEM certificate chain and private key loaded: TLS 1.2 and
/// newer only, the server's cipher preference, no compression, no renegotiation.
/// Throws tls_error ("cannot load TLS certificate /path: <OpenSSL reason>").
std::unique_ptr<asio::ssl::context> make_tls_context(const std::string& cert_file,
                                                     const std::string& key_file);

}  // namespace whisper::net

#endif
