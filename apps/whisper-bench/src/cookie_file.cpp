#include "cookie_file.hpp"

#include <fstream>

namespace whisper_bench {
namespace {

std::string trim(const std::string& text) {
  const char* spaces = " \t\r\n";
  auto first = text.find_first_not_of(spaces);
  if (first == std::string::npos) return {};
  auto last = text.find_last_not_of(spaces);
  return text.substr(first, last - first + 1);
}

}  // namespace

cookie_list parse_cookie_lines(std::istream& in) {
  cookie_list result;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string cookie = trim(line);
    if (cookie.empty() || cookie[0] == '#') continue;
    auto eq = cookie.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == cookie.size()) {
      result.cookies.clear();
      result.error = "line " + std::to_string(number) + " is not name=value";
      return result;
    }
    result.cookies.push_back(std::move(cookie));
  }
  if (result.cookies.empty()) result.error = "no cookies in the file";
  return result;
}

cookie_list load_cookie_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    cookie_list result;
    result.error = "cannot open " + path;
    return result;
  }
  cookie_list result = parse_cookie_lines(in);
  if (!result.error.empty()) result.error = path + ": " + result.error;
  return result;
}

}  // namespace whisper_bench
