// fuzz_cookies_origin: the upgrade request's small parsers in libwhisper —
// parse_cookies, origin_allowed, request::query_param and parse_room_id — with
// properties that must hold for any input, not only "does not crash":
//  - cookies: names and values trimmed, no ';' in either; reparsing the parsed pairs
//    gives them back (the parse is a fixed point);
//  - origin: case does not matter; an Origin whose host merely starts with an allowed
//    host ("victim.example.evil.com") is refused; the exact host:port is admitted;
//  - query_param: a value encoded into a query is decoded back unchanged;
//  - parse_room_id: agrees with a reference (decimal digits only, fits in int64).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "whisper/auth.hpp"
#include "whisper/room.hpp"

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

void check_cookies(const std::string& header) {
  const auto cookies = whisper::parse_cookies(header);
  std::string again;
  bool fixed_point = true;
  for (const auto& [name, value] : cookies) {
    FUZZ_CHECK(!name.empty());
    FUZZ_CHECK(!is_blank(name.front()) && !is_blank(name.back()));
    FUZZ_CHECK(name.find_first_of(";=") == std::string::npos);
    FUZZ_CHECK(value.find(';') == std::string::npos);
    // A value that is itself quoted, or ends in blanks once unquoted, would be
    // unquoted or trimmed once more: reparsing is exact only for the others.
    if ((value.size() >= 2 && value.front() == '"' && value.back() == '"') ||
        (!value.empty() && (is_blank(value.front()) || is_blank(value.back()))))
      fixed_point = false;
    if (!again.empty()) again += "; ";
    again.append(name).append("=").append(value);
  }
  if (fixed_point) FUZZ_CHECK(whisper::parse_cookies(again) == cookies);
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  return out;
}

// A plausible host name made of [a-z0-9.-] from the fuzzer's bytes (never empty).
std::string host_from(FuzzedDataProvider& p) {
  static constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789.-";
  std::string host = p.ConsumeBytesAsString(p.ConsumeIntegralInRange<std::size_t>(1, 24));
  for (char& c : host) c = alphabet[static_cast<unsigned char>(c) % alphabet.size()];
  if (host.empty()) host = "h";
  return host;
}

void check_origin(FuzzedDataProvider& p, const std::string& origin, const std::string& host) {
  const std::vector<std::string> none;
  const bool allowed = whisper::origin_allowed(origin, host, none);
  FUZZ_CHECK(whisper::origin_allowed(upper(origin), upper(host), none) == allowed);
  FUZZ_CHECK(whisper::origin_allowed(std::nullopt, host, none));  // no Origin: not a browser
  // "*" admits every well-formed Origin, whatever else is listed.
  FUZZ_CHECK(whisper::origin_allowed(origin, "ignored", {"*"}) ==
             whisper::origin_allowed(origin, host, {host, "*"}));

  // The page's own origin is admitted; a longer host that starts with it is not.
  const std::string site = host_from(p);
  const unsigned port = p.ConsumeIntegralInRange<unsigned>(1, 65535);
  const std::string host_port = site + ":" + std::to_string(port);
  FUZZ_CHECK(whisper::origin_allowed("http://" + host_port, host_port, none));
  FUZZ_CHECK(whisper::origin_allowed("https://" + upper(host_port) + "/path", host_port, none));
  FUZZ_CHECK(whisper::origin_allowed("http://" + host_port, site, none));  // any port
  const std::string suffix = host_from(p);
  FUZZ_CHECK(!whisper::origin_allowed("http://" + site + suffix, site, none));
  FUZZ_CHECK(!whisper::origin_allowed("http://" + site + "." + suffix, site, {site}));
  FUZZ_CHECK(!whisper::origin_allowed("http://" + site + "@" + suffix, site, none));
  FUZZ_CHECK(!whisper::origin_allowed(std::string_view("null"), site, none));
}

std::string percent_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    out += '%';
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

void check_query(const std::string& query, FuzzedDataProvider& p) {
  whisper::request r;
  r.query = query;
  const std::string name = p.ConsumeRandomLengthString(16);
  (void)r.query_param(name);  // any query: no crash, no over-read
  if (name.empty()) return;   // an empty name also matches empty pairs ("a&&b")
  const std::string value = p.ConsumeRandomLengthString(64);
  r.query = query + (query.empty() ? "" : "&") + percent_encode(name) + "=" + percent_encode(value);
  const std::optional<std::string> found = r.query_param(name);
  FUZZ_CHECK(found.has_value());
  // The first occurrence wins, so only a query that did not already name it must agree.
  whisper::request plain;
  plain.query = query;
  if (!plain.query_param(name)) FUZZ_CHECK(*found == value);
}

std::optional<whisper::room_id> reference_room_id(std::string_view text) {
  if (text.empty()) return std::nullopt;
  whisper::room_id value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const int digit = c - '0';
    if (value > (std::numeric_limits<whisper::room_id>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider p(data, size);
  const std::string first = p.ConsumeRandomLengthString(512);
  const std::string second = p.ConsumeRandomLengthString(128);
  check_cookies(first);
  check_origin(p, first, second);
  check_query(first, p);
  FUZZ_CHECK(whisper::parse_room_id(first) == reference_room_id(first));
  FUZZ_CHECK(whisper::parse_room_id(second) == reference_room_id(second));
  return 0;
}
