#include "fake_connection.hpp"

#include <utility>

#include "fuzz_check.hpp"

namespace whisper_fuzz {

whisper::queue_result fake_connection::queue(whisper::payload_ptr frame) {
  // The core never hands over a null frame to a transport.
  FUZZ_CHECK(frame != nullptr);
  if (close_requested()) return whisper::queue_result::closed;
  if (outstanding_ >= capacity_) {
    overflowed_ = true;
    return whisper::queue_result::overflow;
  }
  ++outstanding_;
  frames_.push_back(std::move(frame));
  return whisper::queue_result::queued;
}

void fake_connection::close(int code, std::string_view reason) {
  if (close_requested()) return;  // idempotent, as the interface requires
  // RFC 6455 §7.4: the codes an endpoint may send.
  FUZZ_CHECK((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
             (code >= 3000 && code <= 4999));
  FUZZ_CHECK(reason.size() <= 123);  // a close frame's payload is at most 125 bytes
  close_code_ = code;
  close_reason_ = std::string(reason);
}

std::vector<whisper::payload_ptr> fake_connection::take_frames() {
  std::vector<whisper::payload_ptr> out;
  out.swap(frames_);
  return out;
}

}  // namespace whisper_fuzz
