// One pass over the page: copy text, substitute placeholders.
#include "http/page_template.hpp"

#include "http/http_util.hpp"

namespace whisper_server {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

std::string render_template(std::string_view page, const template_values& values) {
  std::string out;
  out.reserve(page.size() + 256);
  std::size_t pos = 0;
  while (pos < page.size()) {
    const auto open = page.find("{{", pos);
    if (open == std::string_view::npos) break;
    const auto close = page.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(page.substr(pos, open - pos));
    const auto name = trim(page.substr(open + 2, close - open - 2));
    if (auto it = values.find(name); it != values.end()) out += html_escape(it->second);
    pos = close + 2;
  }
  out.append(page.substr(pos));
  return out;
}

}  // namespace whisper_server
