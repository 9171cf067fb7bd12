// The session-cookie file made by `whisper-server bench-users --cookies FILE`: one
// `sessionid=<id>` line per user. Connection i logs in with line i % lines.
//
// Thread safety: pure functions; the returned list is read-only once loaded.
#pragma once

#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace whisper_bench {

struct cookie_list {
  std::vector<std::string> cookies;  // each a complete `name=value` Cookie header value
  std::string error;                 // empty when the file was usable
};

// Blank lines and lines starting with '#' are skipped; surrounding whitespace and a
// trailing '\r' are trimmed. A line without '=' (or with an empty name or value) is
// an error that names its line number, because a silently skipped user would skew
// the load per user.
cookie_list parse_cookie_lines(std::istream& in);
cookie_list load_cookie_file(const std::string& path);

}  // namespace whisper_bench
