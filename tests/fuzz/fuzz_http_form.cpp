// fuzz_http_form: the server's application/x-www-form-urlencoded handling and the other
// request-derived strings that end up in responses (apps/whisper-server/src/http_util).
//  - parse_form never crashes; a form built with url_encode decodes back field for field
//    (whisper::form_decode inverts url_encode for any bytes);
//  - safe_redirect_target (the login `next`) only ever yields a same-site path: one
//    leading '/', no "//" or "/\" (another host), no control characters (header
//    injection in Location);
//  - html_escape leaves no character that could open a tag or end an attribute.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "http/http_util.hpp"
#include "whisper/percent_encoding.hpp"

namespace {

using whisper::form_decode;
using whisper_server::html_escape;
using whisper_server::parse_form;
using whisper_server::url_encode;

void check_form_round_trip(FuzzedDataProvider& p) {
  std::map<std::string, std::string, std::less<>> fields;
  std::string body;
  const int count = p.ConsumeIntegralInRange<int>(0, 6);
  for (int i = 0; i < count; ++i) {
    const std::string name = p.ConsumeRandomLengthString(24);
    const std::string value = p.ConsumeRandomLengthString(80);
    if (name.empty()) continue;  // a pair without a name is not a field
    if (!body.empty()) body += '&';
    body += url_encode(name) + "=" + url_encode(value);
    fields.emplace(name, value);  // the first of duplicate names wins
  }
  FUZZ_CHECK(parse_form(body) == fields);
}

void check_redirect(const std::string& next) {
  const std::string target = whisper_server::safe_redirect_target(next);
  FUZZ_CHECK(!target.empty() && target[0] == '/');
  FUZZ_CHECK(target.size() == 1 || (target[1] != '/' && target[1] != '\\'));
  for (char c : target) FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f);
  FUZZ_CHECK(target == "/" || target == next);  // kept whole or replaced, never edited
}

void check_escape(const std::string& text) {
  const std::string escaped = html_escape(text);
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    const char c = escaped[i];
    FUZZ_CHECK(c != '<' && c != '>' && c != '"' && c != '\'');
    // Every '&' starts one of the entities html_escape writes.
    if (c == '&') {
      const std::string_view rest = std::string_view(escaped).substr(i);
      FUZZ_CHECK(rest.rfind("&amp;", 0) == 0 || rest.rfind("&lt;", 0) == 0 ||
                 rest.rfind("&gt;", 0) == 0 || rest.rfind("&quot;", 0) == 0 ||
                 rest.rfind("&#x27;", 0) == 0);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider p(data, size);
  const std::string text = p.ConsumeRandomLengthString(1024);

  // Arbitrary bodies: parsed without crashing or reading out of bounds.
  (void)parse_form(text);
  FUZZ_CHECK(form_decode(url_encode(text)) == text);
  check_redirect(text);
  check_redirect(form_decode(text));  // `next` arrives percent-encoded in a query
  check_escape(text);
  check_form_round_trip(p);
  return 0;
}
