// Argon2id password hashing and random tokens.
#include <doctest/doctest.h>

#include <set>

#include "whisper/account_stores.hpp"
#include "whisper/password.hpp"

using namespace whisper;

namespace {
// Cheap parameters keep the suite fast; the defaults are tested once below.
const argon2_params cheap{1, 1024, 1};
}  // namespace

TEST_CASE("a hashed password verifies and a wrong one does not") {
  const std::string hash = hash_password("correct horse", cheap);
  CHECK(hash.rfind("$argon2id$v=19$m=1024,t=1,p=1$", 0) == 0);
  CHECK(verify_password("correct horse", hash));
  CHECK_FALSE(verify_password("correct horse ", hash));
  CHECK_FALSE(verify_password("", hash));
}

TEST_CASE("the default cost is OWASP's m=19456,t=2,p=1") {
  const std::string hash = hash_password("pw");
  CHECK(hash.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0) == 0);
  CHECK(verify_password("pw", hash));
}

TEST_CASE("every hash has its own salt") {
  CHECK(hash_password("same", cheap) != hash_password("same", cheap));
}

TEST_CASE("malformed, empty and foreign hashes never verify") {
  CHECK_FALSE(verify_password("pw", ""));
  CHECK_FALSE(verify_password("pw", "$argon2id$garbage"));
  CHECK_FALSE(verify_password("pw", "pbkdf2_sha256$260000$salt$hash"));
  const std::string argon2i = "$argon2i" + hash_password("pw", cheap).substr(9);
  CHECK_FALSE(verify_password("pw", argon2i));
}

TEST_CASE("passwords with NUL bytes and non-ASCII text are hashed whole") {
  const std::string with_nul("a\0b", 3);
  const std::string hash = hash_password(with_nul, cheap);
  CHECK(verify_password(with_nul, hash));
  CHECK_FALSE(verify_password("a", hash));
  CHECK(verify_password("p\xC3\xA4ss", hash_password("p\xC3\xA4ss", cheap)));
}

TEST_CASE("random tokens are hex of the asked length and do not repeat") {
  CHECK(random_token().size() == 64);
  CHECK(random_token(4).size() == 8);
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) seen.insert(random_token(16));
  CHECK(seen.size() == 200);
  CHECK(random_token().find_first_not_of("0123456789abcdef") == std::string::npos);
}
