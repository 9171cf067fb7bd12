#include "cookie_file.hpp"

#include <doctest/doctest.h>

#include <sstream>

using namespace whisper_bench;

TEST_CASE("one cookie per line, blank lines, comments and CRLF ignored") {
  std::istringstream in("sessionid=abc\r\n\n# made by bench-users\n  sessionid=def  \n");
  cookie_list list = parse_cookie_lines(in);
  CHECK(list.error.empty());
  CHECK(list.cookies == std::vector<std::string>{"sessionid=abc", "sessionid=def"});
}

TEST_CASE("a line that is not name=value is an error naming the line") {
  std::istringstream in("sessionid=abc\nnonsense\n");
  cookie_list list = parse_cookie_lines(in);
  CHECK(list.cookies.empty());
  CHECK(list.error.find("line 2") != std::string::npos);
}

TEST_CASE("an empty name or value is refused") {
  std::istringstream no_value("sessionid=\n");
  CHECK_FALSE(parse_cookie_lines(no_value).error.empty());
  std::istringstream no_name("=abc\n");
  CHECK_FALSE(parse_cookie_lines(no_name).error.empty());
}

TEST_CASE("a file without cookies is refused") {
  std::istringstream in("\n# nothing\n");
  CHECK(parse_cookie_lines(in).error == "no cookies in the file");
}

TEST_CASE("a missing file is reported by name") {
  cookie_list list = load_cookie_file("/nonexistent/cookies.txt");
  CHECK(list.error.find("/nonexistent/cookies.txt") != std::string::npos);
}
