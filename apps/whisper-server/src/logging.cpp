// spdlog set-up. JSON lines need the message escaped, which spdlog's pattern language
// cannot do, hence a custom flag (%*) that writes the escaped payload.
// Lines go through a 32 KiB buffer that is written out when full, on a warning and
// every 100 ms (periodic_log_flush, started by run_server): the transport logs a line per
// WebSocket open and close, and one write(2) per line to a terminal or pipe would put a
// syscall on every connect. An asynchronous logger was measured too and was slower on
// this two-core host (the extra thread and its wake-ups cost more than the writes).
#include "logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>
#include <cerrno>
#include <mutex>

namespace whisper_server {
namespace {

class json_escaped_message final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    // Boost.JSON's serializer does the escaping; its output is a quoted string, and the
    // pattern supplies the quotes itself.
    const std::string quoted =
        boost::json::serialize(boost::json::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(quoted.data() + 1, quoted.data() + quoted.size() - 1);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<json_escaped_message>();
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

std::shared_ptr<spdlog::logger> make_logger(const std::string& format, const std::string& level) {
  auto logger =
      std::make_shared<spdlog::logger>("whisper", std::make_shared<buffered_stderr_sink>());
  if (format == "json") {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<json_escaped_message>('*').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","message":"%*"})");
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
