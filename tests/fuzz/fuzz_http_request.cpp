// fuzz_http_request: HTTP request parsing as whisper-server's transport does it
// (libwhisper/asio/src/http_connection.cpp feed()/dispatch()): websocketpp's
// request parser fed in socket-sized pieces, then split_target and header_has_token.
//  - The transport catches only websocketpp::http::exception around consume(): any
//    other exception would escape into the event loop. So none may be thrown here (an
//    escaping exception is a crash for libFuzzer and for the replay runner).
//  - consume() never claims more bytes than it was given, and takes all of them unless
//    the request is complete.
//  - The outcome does not depend on how the bytes were split: parsed whole and parsed in
//    pieces, the same request (method, target, version, headers, body) or both refused.
//  - split_target and header_has_token agree with simple reference definitions.
//  - The strict head check (http_head_check.cpp, run by the transport on the raw head
//    before the body is framed) never throws, and a head it passes is unambiguous for
//    websocketpp's lenient parser too: at most one Content-Length, all digits (not a
//    merged ", " list, no sign), the body exactly that long, no Transfer-Encoding, no
//    control characters but HTAB in any header value.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <websocketpp/http/request.hpp>

#include "detail/ascii.hpp"
#include "fuzz_check.hpp"
#include "http_head_check.hpp"
#include "http_wire.hpp"

namespace {

struct outcome {
  bool complete = false;  // a whole request was parsed
  int refused = 0;        // the HTTP status of websocketpp's exception, when refused
  std::string method, uri, version, body;
  websocketpp::http::parser::header_list headers;
  std::size_t used = 0;  // bytes consumed up to the end of the request
};

outcome parse(std::string_view stream, std::size_t max_body, FuzzedDataProvider* splits) {
  outcome out;
  websocketpp::http::parser::request parser;
  parser.set_max_body_size(max_body);
  std::size_t at = 0;
  try {
    while (at < stream.size() && !parser.ready()) {
      std::size_t piece = stream.size() - at;
      if (splits && splits->remaining_bytes() > 0)
        piece = std::min(piece, splits->ConsumeIntegralInRange<std::size_t>(1, 64));
      const std::string chunk(stream.substr(at, piece));  // exactly sized for ASan
      const std::size_t used = parser.consume(chunk.data(), chunk.size());
      FUZZ_CHECK(used <= chunk.size());
      FUZZ_CHECK(parser.ready() || used == chunk.size());
      out.used += used;
      at += piece;
    }
  } catch (const websocketpp::http::exception& e) {
    out.refused = static_cast<int>(e.m_error_code);
    FUZZ_CHECK(out.refused >= 400 && out.refused < 600);
    return out;
  }
  if (!parser.ready()) return out;
  out.complete = true;
  out.method = parser.get_method();
  out.uri = parser.get_uri();
  out.version = parser.get_version();
  out.body = parser.get_body();
  out.headers = parser.get_headers();
  return out;
}

bool reference_has_token(std::string_view value, std::string_view token) {
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& c : out)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    return out;
  };
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t comma = value.find(',', start);
    if (comma == std::string_view::npos) comma = value.size();
    std::string_view item = value.substr(start, comma - start);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (lower(item) == lower(token)) return true;
    start = comma + 1;
  }
  return false;
}

void check_request(const outcome& r) {
  std::string path, query;
  whisper::net::split_target(r.uri, path, query);
  const std::size_t mark = r.uri.find('?');
  FUZZ_CHECK(path.find('?') == std::string::npos);
  FUZZ_CHECK(mark == std::string::npos ? path == r.uri : path + "?" + query == r.uri);
  for (const auto& [name, value] : r.headers) {
    for (std::string_view token : {"close", "keep-alive", "upgrade"}) {
      FUZZ_CHECK(whisper::net::header_has_token(value, token) == reference_has_token(value, token));
    }
  }
}

// A head the strict check passed: what websocketpp made of it frames the body exactly
// as the head said.
void check_passed_head(const outcome& r) {
  for (const auto& [name, value] : r.headers) {
    for (const char c : value) {
      FUZZ_CHECK(c == '\t' || (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F));
    }
    FUZZ_CHECK(!whisper::detail::iequals(name, "transfer-encoding"));
    if (!whisper::detail::iequals(name, "content-length")) continue;
    FUZZ_CHECK(!value.empty());  // (a complete parse bounds it: at most max_body)
    std::size_t length = 0;
    for (const char c : value) {
      FUZZ_CHECK(c >= '0' && c <= '9');
      length = length * 10 + static_cast<std::size_t>(c - '0');
    }
    FUZZ_CHECK(r.body.size() == length);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider p(data, size);
  const std::size_t max_body = p.ConsumeIntegralInRange<std::size_t>(0, 4096);
  const std::string split_seed = p.ConsumeBytesAsString(p.ConsumeIntegral<std::uint8_t>() % 32);
  const std::string stream = p.ConsumeRemainingBytesAsString();

  const outcome whole = parse(stream, max_body, nullptr);
  FuzzedDataProvider splits(reinterpret_cast<const std::uint8_t*>(split_seed.data()),
                            split_seed.size());
  const outcome pieces = parse(stream, max_body, &splits);

  FUZZ_CHECK(whole.complete == pieces.complete);
  FUZZ_CHECK((whole.refused != 0) == (pieces.refused != 0));
  if (whole.complete) {
    FUZZ_CHECK(whole.method == pieces.method && whole.uri == pieces.uri);
    FUZZ_CHECK(whole.version == pieces.version && whole.body == pieces.body);
    FUZZ_CHECK(whole.headers == pieces.headers);
    FUZZ_CHECK(whole.used == pieces.used);
    check_request(whole);
  }
  // The transport checks the head as soon as its blank line is in.
  const std::size_t head_end = stream.find("\r\n\r\n");
  if (head_end != std::string::npos) {
    const std::string head = stream.substr(0, head_end + 4);  // exactly sized for ASan
    const auto problem = whisper::net::check_request_head(head);
    FUZZ_CHECK(!problem || !problem->empty());
    if (!problem && whole.complete) check_passed_head(whole);
  }
  return 0;
}
