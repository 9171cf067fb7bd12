// spdlog set-up. JSON lines need the message escaped, which spdlog's pattern language
// cannot do, hence a custom flag (%*) that writes the escaped payload.
// Lines go through a 32 KiB buffer that is written out when full, on a warning and
// every 100 ms (periodic_log_flush, started by run_server): the transport logs a line per
// WebSocket open and close, and one write(2) per line to a terminal or pipe would put a
// syscall on every connect. An asynchronous logger was measured too and was slower on
// this two-core host (the extra thread and its wake-ups cost more than the writes).
#include "ops/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <mutex>

namespace whisper_server {
namespace {

// Counts and durations are JSON numbers; names (a username "42" too) stay strings.
bool is_number_field(std::string_view key, std::string_view text) {
  if (key != "status" && key != "code" && key != "latency_ms" && key != "room") return false;
  if (text.empty() || text.size() > 18) return false;
  bool dot = false;
  for (const char ch : text) {
    if (ch == '.' && !dot) {
      dot = true;
    } else if (ch < '0' || ch > '9') {
      return false;
    }
  }
  return text.front() != '.' && text.back() != '.';
}

void append(spdlog::memory_buf_t& dest, std::string_view text) {
  dest.append(text.data(), text.data() + text.size());
}

// The message as a JSON string, then its fields: the opening quote comes from the
// pattern, the rest (closing quote, `,"key":value` pairs) from here.
class json_message_and_fields final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    // Boost.JSON's serializer does the escaping; its output is a quoted string.
    const std::string quoted = boost::json::serialize(boost::json::string_view(payload));
    dest.append(quoted.data() + 1, quoted.data() + quoted.size());
    for (const auto& [key, value] : log_fields(payload)) {
      const std::string text = boost::json::serialize(boost::json::string_view(value));
      append(dest, ",\"");
      append(dest, key);
      append(dest, "\":");
      append(dest, is_number_field(key, value) ? value : std::string_view(text));
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<json_message_and_fields>();
  }
};

// Formatted lines collected in memory, written to fd 2 in large chunks.
// Thread safety: base_sink<std::mutex> serialises every call.
class buffered_stderr_sink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  ~buffered_stderr_sink() override {
    std::lock_guard<std::mutex> lock(mutex_);
    write_out();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    buffer_.append(formatted.data(), formatted.size());
    if (buffer_.size() >= kCapacity) write_out();
  }
  void flush_() override { write_out(); }

 private:
  static constexpr std::size_t kCapacity = std::size_t{32} * 1024;

  void write_out() {
    std::size_t done = 0;
    while (done < buffer_.size()) {
      const ssize_t n = ::write(STDERR_FILENO, buffer_.data() + done, buffer_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // stderr closed or broken: drop the lines rather than block
      done += static_cast<std::size_t>(n);
    }
    buffer_.clear();
  }

  std::string buffer_;
};

}  // namespace

std::vector<std::pair<std::string_view, std::string_view>> log_fields(std::string_view message) {
  static constexpr std::string_view keys[] = {"user",       "remote", "room",  "code", "status",
                                              "latency_ms", "method", "route", "path"};
  std::vector<std::pair<std::string_view, std::string_view>> fields;
  std::size_t start = 0;
  while (start < message.size()) {
    std::size_t end = message.find(' ', start);
    if (end == std::string_view::npos) end = message.size();
    std::string_view token = message.substr(start, end - start);
    start = end + 1;
    if (!token.empty() && token.front() == '(') token.remove_prefix(1);
    const auto equals = token.find('=');
    if (equals == std::string_view::npos) continue;
    const std::string_view key = token.substr(0, equals);
    std::string_view value = token.substr(equals + 1);
    // "remote=1.2.3.4: text", "code=1000)": punctuation of the sentence, not the value.
    while (!value.empty() && (value.back() == ':' || value.back() == ',' || value.back() == ')'))
      value.remove_suffix(1);
    const bool known = std::find(std::begin(keys), std::end(keys), key) != std::end(keys);
    const bool seen = std::any_of(fields.begin(), fields.end(),
                                  [key](const auto& field) { return field.first == key; });
    if (known && !seen) fields.emplace_back(key, value);
  }
  return fields;
}

std::string json_log_line(std::string_view level, std::string_view message) {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char time_text[32];
  std::strftime(time_text, sizeof time_text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  boost::json::object line{{"time", time_text}, {"level", level}, {"message", message}};
  return boost::json::serialize(line) + "\n";
}

std::shared_ptr<spdlog::logger> make_logger(const std::string& format, const std::string& level) {
  auto logger =
      std::make_shared<spdlog::logger>("whisper", std::make_shared<buffered_stderr_sink>());
  if (format == "json") {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<json_message_and_fields>('*').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","message":"%*})");
    logger->set_formatter(std::move(formatter));
  } else {
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  }
  logger->set_level(spdlog::level::from_str(level));
  // Warnings and errors are written at once, so nothing important waits in the buffer.
  logger->flush_on(spdlog::level::warn);
  return logger;
}

periodic_log_flush::periodic_log_flush(std::shared_ptr<spdlog::logger> log,
                                       std::chrono::milliseconds period)
    : log_(std::move(log)) {
  thread_ = std::thread([this, period] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, period, [this] { return stopping_; })) log_->flush();
  });
}

periodic_log_flush::~periodic_log_flush() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  log_->flush();
}

}  // namespace whisper_server
