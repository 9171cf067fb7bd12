// A chat user as the core sees it: identity and the two flags the policies read.
#pragma once

#include <cstdint>
#include <string>

namespace whisper {

using user_id = std::int64_t;

/// A user account. Plain value type.
///
/// Thread safety: distinct objects safe; a shared object is safe for concurrent reads.
struct user {
  user_id id = 0;
  std::string username;  ///< unique login name, shown in chat frames
  std::string name;      ///< display name (may be empty)
  bool is_staff = false;
  bool is_active = true;
};

}  // namespace whisper
