// Argon2id password hashes in PHC string form, with the reference implementation.
#include "whisper/password.hpp"

#include <argon2.h>

#include <cstring>
#include <stdexcept>
#include <string>

#include "detail/random_bytes.hpp"

namespace whisper {

namespace {

constexpr std::size_t salt_bytes = 16;
constexpr std::size_t hash_bytes = 32;

}  // namespace

std::string hash_password(std::string_view password, const argon2_params& params) {
  unsigned char salt[salt_bytes];
  detail::fill_random(salt, salt_bytes);
  const std::size_t encoded_len = argon2_encodedlen(
      params.time_cost, params.memory_kib, params.parallelism, salt_bytes, hash_bytes, Argon2_id);
  std::string encoded(encoded_len, '\0');
  const int rc = argon2id_hash_encoded(params.time_cost, params.memory_kib, params.parallelism,
                                       password.data(), password.size(), salt, salt_bytes,
                                       hash_bytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    throw std::runtime_error(std::string("argon2id hashing failed: ") + argon2_error_message(rc));
  }
  encoded.resize(std::strlen(encoded.c_str()));  // encoded_len counts the terminator
  return encoded;
}

bool verify_password(std::string_view password, std::string_view encoded_hash) {
  // Only Argon2id hashes are ours; anything else (empty: no password) never matches.
  if (encoded_hash.rfind("$argon2id$", 0) != 0) return false;
  const std::string encoded(encoded_hash);  // the library wants a NUL-terminated string
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace whisper
