#include "utf8.hpp"

#include <doctest/doctest.h>

#include <string>

using whisper::net::utf8_validator;
using whisper::net::valid_utf8;

TEST_CASE("utf8: ASCII and well-formed multi-byte text are valid") {
  CHECK(valid_utf8(""));
  CHECK(valid_utf8("hello, a long enough ASCII line to take the 8-byte fast path"));
  CHECK(valid_utf8("h\xC3\xA9llo"));              // é
  CHECK(valid_utf8("\xE2\x82\xAC"));              // €
  CHECK(valid_utf8("\xF0\x9F\x98\x80"));          // 😀
  CHECK(valid_utf8("\xED\x9F\xBF"));              // U+D7FF, just below surrogates
  CHECK(valid_utf8("\xF4\x8F\xBF\xBF"));          // U+10FFFF, the last code point
  CHECK(valid_utf8("abcdefgh\xC3\xA9ijklmnop"));  // fast path then multi-byte
}

TEST_CASE("utf8: overlong forms, surrogates and out-of-range code points are refused") {
  CHECK_FALSE(valid_utf8("\xC0\xAF"));  // overlong '/'
  CHECK_FALSE(valid_utf8("\xC1\xBF"));
  CHECK_FALSE(valid_utf8("\xE0\x80\xAF"));      // overlong 3-byte
  CHECK_FALSE(valid_utf8("\xF0\x80\x80\xAF"));  // overlong 4-byte
  CHECK_FALSE(valid_utf8("\xED\xA0\x80"));      // U+D800 surrogate
  CHECK_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // U+110000
  CHECK_FALSE(valid_utf8("\xF5\x80\x80\x80"));
  CHECK_FALSE(valid_utf8("\xFF"));
  CHECK_FALSE(valid_utf8("\x80"));      // lone continuation byte
  CHECK_FALSE(valid_utf8("\xC3\x28"));  // lead then non-continuation
}

TEST_CASE("utf8: a truncated character is not complete") {
  CHECK_FALSE(valid_utf8("\xE2\x82"));
  utf8_validator v;
  CHECK(v.feed("abc\xF0\x9F"));
  CHECK_FALSE(v.complete());
}

TEST_CASE("utf8: a character split across pieces validates incrementally") {
  const std::string text = "caf\xC3\xA9 \xF0\x9F\x98\x80 ok";
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    utf8_validator v;
    CHECK(v.feed(std::string_view(text).substr(0, cut)));
    CHECK(v.feed(std::string_view(text).substr(cut)));
    CHECK(v.complete());
  }
}

TEST_CASE("utf8: once invalid the validator stays failed until reset") {
  utf8_validator v;
  CHECK_FALSE(v.feed("\xC0"));
  CHECK_FALSE(v.feed("abc"));
  CHECK_FALSE(v.complete());
  v.reset();
  CHECK(v.feed("abc"));
  CHECK(v.complete());
}
