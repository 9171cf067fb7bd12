// The server's logger: plain text or JSON lines on stderr.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace spdlog {
class logger;
}

namespace whisper_server {

/// Makes the "whisper" logger. `format` is "plain" or "json" (one JSON object per line,
/// message escaped); `level` a spdlog level name. Never log secrets through it:
/// passwords, cookies and tokens stay out of every message.
/// The logger buffers lines (see logging.cpp) and writes them when its buffer fills, on
/// a warning, on flush(), and at most `period` after a line was logged when one of
/// these is alive.
std::shared_ptr<spdlog::logger> make_logger(const std::string& format, const std::string& level);

/// The structured fields of a log message: `key=value` words whose key is one of user,
/// remote, room, code, status, latency_ms, method, route, path (the first of each). The
/// JSON format writes them as fields of the line beside "message".
std::vector<std::pair<std::string_view, std::string_view>> log_fields(std::string_view message);

/// One JSON log line (with its newline) for errors printed before or after the logger
/// exists, such as a fatal start-up error: {"time":...,"level":...,"message":...}.
std::string json_log_line(std::string_view level, std::string_view message);

/// Flushes a logger every `period` on its own thread until destroyed (then once more),
/// so buffered lines reach operators (and tests tailing the log) promptly.
///
/// Thread safety: construct and destroy on one thread; the logger must be thread-safe.
class periodic_log_flush {
 public:
  periodic_log_flush(std::shared_ptr<spdlog::logger> log, std::chrono::milliseconds period);
  ~periodic_log_flush();
  periodic_log_flush(const periodic_log_flush&) = delete;
  periodic_log_flush& operator=(const periodic_log_flush&) = delete;

 private:
  std::shared_ptr<spdlog::logger> log_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace whisper_server
