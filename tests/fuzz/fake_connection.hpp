// The fuzz harness's transport: a whisper::connection that records what the core sends
// and can play a slow client (a bounded outbound queue the client does not drain).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "whisper/connection.hpp"

namespace whisper_fuzz {

/// Records frames in arrival order. `capacity` frames may be outstanding (sent and not
/// yet read by the simulated client); one more is an overflow, as the real transport's
/// outbound queue bound. close() only records the request: the harness then calls
/// consumer::on_close(), as the transport would once the socket is gone.
///
/// Thread safety: unsafe; the fuzz harness runs on one thread (the in-process channel
/// layer delivers synchronously on the sending thread).
class fake_connection final : public whisper::connection {
 public:
  explicit fake_connection(std::size_t capacity) : capacity_(capacity) {}

  whisper::queue_result queue(whisper::payload_ptr frame) override;
  void close(int code, std::string_view reason) override;

  /// The frames received since the last call, oldest first.
  std::vector<whisper::payload_ptr> take_frames();
  /// The simulated client reads everything outstanding.
  void drain() { outstanding_ = 0; }

  bool close_requested() const { return close_code_ != 0; }
  int close_code() const { return close_code_; }
  /// True once a send found the queue full.
  bool overflowed() const { return overflowed_; }

 private:
  std::size_t capacity_;
  std::size_t outstanding_ = 0;
  std::vector<whisper::payload_ptr> frames_;
  int close_code_ = 0;
  std::string close_reason_;
  bool overflowed_ = false;
};

}  // namespace whisper_fuzz
