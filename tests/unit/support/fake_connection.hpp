// A connection for tests: records every frame and close, and can be told to behave like
// a slow client (overflow), a closed one, or one that vanished mid-conversation.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "whisper/connection.hpp"

namespace whisper::testing {

/// Thread safety: every member may be called concurrently.
class fake_connection final : public connection {
 public:
  enum class behaviour {
    normal,    ///< queues every frame
    slow,      ///< reports overflow, as a transport whose outbound queue is full
    vanished,  ///< reports closed, as a transport whose peer went away unannounced
  };

  queue_result queue(payload_ptr frame) override {
    // A transport may call back into the core from send (e.g. close on the spot): the
    // hook lets tests prove the core holds no lock of its own while it sends.
    if (on_send) on_send();
    std::lock_guard<std::mutex> lock(mutex_);
    ++send_calls_;
    if (closed_ || behaviour_ == behaviour::vanished) return queue_result::closed;
    if (behaviour_ == behaviour::slow) return queue_result::overflow;
    frames_.push_back(std::move(frame));
    return queue_result::queued;
  }

  void close(int code, std::string_view reason) override {
    std::lock_guard<std::mutex> lock(mutex_);
    closes_.emplace_back(code, std::string(reason));
    closed_ = true;
  }

  void behave(behaviour b) {
    std::lock_guard<std::mutex> lock(mutex_);
    behaviour_ = b;
  }

  /// The frames received so far (shared pointers, as sent), without clearing them.
  std::vector<payload_ptr> frames() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return frames_;
  }

  /// Takes the frames received so far as text, and forgets them.
  std::vector<std::string> take_texts() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out;
    for (const payload_ptr& f : frames_) out.push_back(*f);
    frames_.clear();
    return out;
  }

  /// Takes the frames received so far, each parsed as a JSON object, and forgets them.
  std::vector<boost::json::object> take_json() {
    std::vector<boost::json::object> out;
    for (const std::string& text : take_texts()) {
      out.push_back(boost::json::parse(text).as_object());
    }
    return out;
  }

  std::size_t frame_count() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return frames_.size();
  }

  std::size_t send_calls() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return send_calls_;
  }

  /// Every close() call: (code, reason).
  std::vector<std::pair<int, std::string>> closes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return closes_;
  }

  std::optional<int> close_code() const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closes_.empty()) return std::nullopt;
    return closes_.front().first;
  }

  /// Runs at the start of every send(), outside this fake's lock. Set before use.
  std::function<void()> on_send;

 private:
  mutable std::mutex mutex_;
  std::vector<payload_ptr> frames_;
  std::vector<std::pair<int, std::string>> closes_;
  behaviour behaviour_ = behaviour::normal;
  bool closed_ = false;
  std::size_t send_calls_ = 0;
};

}  // namespace whisper::testing
