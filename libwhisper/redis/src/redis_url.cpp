// Parsing of redis:// URLs. Error messages never repeat the password.
#include "whisper/redis_url.hpp"

#include <cctype>
#include <stdexcept>
#include <string>
#include <utility>

#include "detail/ascii.hpp"

namespace whisper {
namespace {

[[noreturn]] void fail(const std::string& why) {
  throw std::invalid_argument("invalid Redis URL: " + why);
}

// Decodes %XX escapes (passwords often hold '@', ':' or '/', which must be escaped).
std::string percent_decode(std::string_view text, const char* what) {
  auto decoded = detail::percent_decode(text, detail::percent_rule::strict);
  if (!decoded) fail(std::string("bad %-escape in the ") + what + ".");
  return std::move(*decoded);
}

// Reads a decimal number in [min, max]; `what` names it in the error.
int parse_number(std::string_view digits, int min, int max, const char* what) {
  if (digits.empty() || digits.size() > 9)
    fail(std::string("the ") + what + " is missing or too long.");
  int value = 0;
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      fail(std::string("the ") + what + " \"" + std::string(digits) + "\" is not a number.");
    }
    value = value * 10 + (c - '0');
  }
  if (value < min || value > max) {
    fail(std::string("the ") + what + " " + std::to_string(value) + " is out of range.");
  }
  return value;
}

void parse_user_info(std::string_view info, redis_url& url) {
  const auto colon = info.find(':');
  if (colon == std::string_view::npos) {
    fail("credentials must be written \"[user]:password@\" (the ':' is missing).");
  }
  url.username = percent_decode(info.substr(0, colon), "user name");
  url.password = percent_decode(info.substr(colon + 1), "password");
}

void parse_host_port(std::string_view hostport, redis_url& url) {
  std::string_view port;
  if (!hostport.empty() && hostport.front() == '[') {  // [IPv6]:port
    const auto close = hostport.find(']');
    if (close == std::string_view::npos) fail("an IPv6 host lacks its closing ']'.");
    url.host = std::string(hostport.substr(1, close - 1));
    const auto rest = hostport.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') fail("unexpected text after the IPv6 host.");
    if (!rest.empty()) port = rest.substr(1);
    if (url.host.empty()) fail("the IPv6 host is empty.");
    if (!rest.empty()) url.port = parse_number(port, 1, 65535, "port");
    return;
  }
  const auto colon = hostport.find(':');
  const auto host = hostport.substr(0, colon);
  if (!host.empty()) url.host = std::string(host);
  for (char c : host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') {
      fail("the host \"" + std::string(host) + "\" contains an invalid character.");
    }
  }
  if (colon != std::string_view::npos) {
    url.port = parse_number(hostport.substr(colon + 1), 1, 65535, "port");
  }
}

}  // namespace

redis_url parse_redis_url(std::string_view text) {
  redis_url url;
  if (text.empty()) return url;
  constexpr std::string_view scheme = "redis://";
  if (text.substr(0, scheme.size()) != scheme) {
    fail("it must start with \"redis://\" (rediss:// and unix sockets are not supported).");
  }
  auto rest = text.substr(scheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) {
    fail("query parameters and fragments are not supported.");
  }
  const auto slash = rest.find('/');
  const auto authority = rest.substr(0, slash);
  const auto path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);

  // The last '@' separates the credentials: an unescaped '@' may appear in a password.
  const auto at = authority.rfind('@');
  if (at != std::string_view::npos) parse_user_info(authority.substr(0, at), url);
  parse_host_port(at == std::string_view::npos ? authority : authority.substr(at + 1), url);
  if (!path.empty()) url.db = parse_number(path, 0, 1 << 20, "database number");
  return url;
}

std::string redis_url::to_string() const {
  std::string out = "redis://";
  if (!username.empty() || !password.empty()) {
    out += username;
    out += password.empty() ? "@" : ":***@";
  }
  out += host.find(':') == std::string::npos ? host : "[" + host + "]";
  out += ":" + std::to_string(port) + "/" + std::to_string(db);
  return out;
}

}  // namespace whisper
