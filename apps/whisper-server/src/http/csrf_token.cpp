// SHA-256 through OpenSSL's EVP interface (libcrypto, already the TLS dependency).
#include "http/csrf_token.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace whisper_server {

std::string session_csrf_token(std::string_view session_id) {
  // The prefix keeps this digest apart from any other use of SHA-256 over a session id.
  static constexpr std::string_view prefix{"whisper csrf\0", 13};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, prefix.data(), prefix.size()) == 1 &&
                  EVP_DigestUpdate(ctx, session_id.data(), session_id.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx, digest, &length) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok || length < 16) throw std::runtime_error("SHA-256 failed");
  static constexpr char digits[] = "0123456789abcdef";
  std::string token;
  token.reserve(32);
  for (unsigned int i = 0; i < 16; ++i) {
    token.push_back(digits[digest[i] >> 4]);
    token.push_back(digits[digest[i] & 0x0f]);
  }
  return token;
}

}  // namespace whisper_server
