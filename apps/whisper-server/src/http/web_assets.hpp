// The files of apps/whisper-server/web/, embedded into the binary at build time
// (web/embed_assets.cmake generates the definition of find_web_asset).
#pragma once

#include <string_view>

namespace whisper_server {

/// One embedded file. Points into static storage: valid for the program's lifetime.
///
/// Thread safety: immutable.
struct web_asset {
  std::string_view body;
  std::string_view content_type;
};

/// The asset of that file name ("chat.html", "style.css"), or null.
const web_asset* find_web_asset(std::string_view name);

}  // namespace whisper_server
