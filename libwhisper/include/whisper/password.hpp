// Password hashing with Argon2id (the reference library), in PHC string form.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace whisper {

/// Argon2id cost. Defaults follow OWASP's recommendation (m=19 MiB, t=2, p=1): about
/// 20-40 ms per hash here. Hashing is deliberately slow: never run it on a thread that
/// moves chat frames.
struct argon2_params {
  std::uint32_t time_cost = 2;
  std::uint32_t memory_kib = 19 * 1024;
  std::uint32_t parallelism = 1;
};

/// Hashes a password with a fresh 16-byte random salt. Returns the PHC-encoded string
/// ("$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>"). Throws std::runtime_error only if
/// the library fails (out of memory).
std::string hash_password(std::string_view password, const argon2_params& params = {});

/// True if `password` matches the PHC-encoded Argon2id hash. False for a malformed or
/// empty hash (an account without a password cannot log in).
bool verify_password(std::string_view password, std::string_view encoded_hash);

}  // namespace whisper
