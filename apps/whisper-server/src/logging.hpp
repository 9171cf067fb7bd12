// The server's logger: plain text or JSON lines on stderr.
#pragma once

#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace whisper_server {

/// Makes the "whisper" logger. `format` is "plain" or "json" (one JSON object per line,
/// message escaped); `level` a spdlog level name. Never log secrets through it:
/// passwords, cookies and tokens stay out of every message.
std::shared_ptr<spdlog::logger> make_logger(const std::string& format, const std::string& level);

}  // namespace whisper_server
