// Fills {{name}} placeholders of the embedded HTML pages.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace whisper_server {

using template_values = std::map<std::string, std::string, std::less<>>;

/// Replaces every {{name}} (spaces inside the braces allowed) with the HTML-escaped
/// value of `name`; a placeholder without a value becomes empty. Values are escaped
/// here, so a caller cannot forget to.
std::string render_template(std::string_view page, const template_values& values);

}  // namespace whisper_server
