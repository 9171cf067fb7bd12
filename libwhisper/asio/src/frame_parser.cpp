#include "frame_parser.hpp"

#include <algorithm>
#include <utility>

#include "opcode.hpp"

namespace whisper::net {

// One per connection, inside ws_connection (W3 in docs/benchmarks.md): an idle parser
// holds no buffer, only this object. (64-bit libstdc++.)
#if defined(__GLIBCXX__) && UINTPTR_MAX == UINT64_MAX
static_assert(sizeof(frame_parser) <= 64, "the frame parser grew: see the comment above");
#endif

namespace {

bool is_control(std::uint8_t op) {
  return (op & 0x8) != 0;
}

}  // namespace

std::optional<frame_event> frame_parser::next(std::string_view& input) {
  while (stage_ != stage::finished) {
    if (stage_ == stage::header) {
      if (input.empty()) return std::nullopt;
      if (auto event = read_header(input)) return event;
      continue;
    }
    // A zero-length frame completes without input, so only stop when bytes are due.
    if (remaining_ > 0 && input.empty()) return std::nullopt;
    if (auto event = read_payload(input)) return event;
  }
  return std::nullopt;
}

std::optional<frame_event> frame_parser::read_header(std::string_view& input) {
  const std::size_t take = std::min<std::size_t>(header_need_ - header_have_, input.size());
  std::copy_n(input.data(), take, header_.data() + header_have_);
  header_have_ = static_cast<std::uint8_t>(header_have_ + take);
  input.remove_prefix(take);
  if (header_have_ < header_need_) return std::nullopt;

  if (header_need_ == 2) {
    // First two bytes: validate what they say before waiting for the rest.
    if (auto failure = check_start(header_[0], header_[1])) return failure;
    const std::uint8_t len7 = header_[1] & 0x7F;
    const std::uint8_t extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    header_need_ = static_cast<std::uint8_t>(2 + extended + 4);
    return std::nullopt;
  }

  // Complete header: length, then the mask key at its end.
  const std::uint8_t len7 = header_[1] & 0x7F;
  std::size_t at = 2;
  if (len7 < 126) {
    remaining_ = len7;
  } else {
    const std::size_t bytes = len7 == 126 ? 2 : 8;
    remaining_ = 0;
    for (std::size_t i = 0; i < bytes; ++i) remaining_ = (remaining_ << 8) | header_[at + i];
    at += bytes;
  }
  std::copy_n(header_.data() + at, 4, mask_.data());
  mask_pos_ = 0;
  header_have_ = 0;
  header_need_ = 2;
  if (auto failure = check_length()) return failure;
  control_length_ = 0;
  stage_ = stage::payload;
  return std::nullopt;
}

std::optional<frame_event> frame_parser::check_start(std::uint8_t b0, std::uint8_t b1) {
  fin_ = (b0 & 0x80) != 0;
  opcode_ = b0 & 0x0F;
  if ((b0 & 0x70) != 0) return fail(ws_close::protocol_error, "reserved bits set");
  if ((b1 & 0x80) == 0) return fail(ws_close::protocol_error, "client frame not masked");
  switch (opcode_) {
    case opcode::continuation:
      if (!in_message_) return fail(ws_close::protocol_error, "continuation without a message");
      break;
    case opcode::text:
      if (in_message_) return fail(ws_close::protocol_error, "new message inside a fragmented one");
      break;
    case opcode::binary:
      if (in_message_) return fail(ws_close::protocol_error, "new message inside a fragmented one");
      return fail(ws_close::unsupported_data, "binary frames are not accepted");
    case opcode::close:
    case opcode::ping:
    case opcode::pong:
      if (!fin_) return fail(ws_close::protocol_error, "fragmented control frame");
      if ((b1 & 0x7F) > 125) return fail(ws_close::protocol_error, "control frame over 125 bytes");
      break;
    default:
      return fail(ws_close::protocol_error, "reserved opcode");
  }
  return std::nullopt;
}

std::optional<frame_event> frame_parser::check_length() {
  if ((remaining_ >> 63) != 0) return fail(ws_close::protocol_error, "64-bit length top bit set");
  if (is_control(opcode_)) return std::nullopt;
  // Refuse from the header: a frame too big is never buffered.
  if (remaining_ > max_message_bytes_ || message_size() + remaining_ > max_message_bytes_) {
    return fail(ws_close::message_too_big, "message over the frame size limit");
  }
  if (opcode_ == opcode::text) {
    in_message_ = true;
    if (buffer_) buffer_->clear();
    utf8_.reset();
  }
  if (remaining_ > 0) buffer().reserve(message_size() + static_cast<std::size_t>(remaining_));
  return std::nullopt;
}

std::optional<frame_event> frame_parser::read_payload(std::string_view& input) {
  const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size()));
  if (take == 0) {
    // A frame without payload: nothing to unmask, and no buffer needed for it.
    stage_ = stage::header;
    return finish_frame();
  }
  std::string& target = buffer();
  const std::size_t start = target.size();
  target.append(input.data(), take);
  // A control frame's payload is at most 125 bytes (checked from its header).
  if (is_control(opcode_)) control_length_ = static_cast<std::uint8_t>(control_length_ + take);
  for (std::size_t i = start; i < target.size(); ++i) {
    target[i] = static_cast<char>(static_cast<std::uint8_t>(target[i]) ^ mask_[mask_pos_]);
    mask_pos_ = (mask_pos_ + 1) & 3;
  }
  input.remove_prefix(take);
  remaining_ -= take;
  // Fail fast on bad text: no need to wait for the rest of a long message.
  if (!is_control(opcode_) && !utf8_.feed(std::string_view(target).substr(start))) {
    return fail(ws_close::invalid_payload, "text is not valid UTF-8");
  }
  if (remaining_ > 0) return std::nullopt;
  stage_ = stage::header;
  return finish_frame();
}

std::optional<frame_event> frame_parser::finish_frame() {
  switch (opcode_) {
    case opcode::ping:
      return frame_event{frame_event::type::ping, take_control(), 0};
    case opcode::pong:
      return frame_event{frame_event::type::pong, take_control(), 0};
    case opcode::close:
      return finish_close();
    default:
      break;
  }
  if (!fin_) return std::nullopt;  // more fragments to come
  if (!utf8_.complete()) return fail(ws_close::invalid_payload, "text ends inside a character");
  in_message_ = false;
  // Hand the message over: the parser keeps no buffer while the connection is idle.
  frame_event event{frame_event::type::text, buffer_ ? std::move(*buffer_) : std::string(), 0};
  buffer_.reset();
  return event;
}

std::optional<frame_event> frame_parser::finish_close() {
  stage_ = stage::finished;
  const std::string control = take_control();
  buffer_.reset();  // nothing more is parsed after a close
  if (control.empty()) return frame_event{frame_event::type::close, {}, ws_close::no_status};
  if (control.size() == 1) return fail(ws_close::protocol_error, "close payload of 1 byte");
  const int code =
      (static_cast<std::uint8_t>(control[0]) << 8) | static_cast<std::uint8_t>(control[1]);
  if (!valid_close_code(code)) return fail(ws_close::protocol_error, "invalid close code");
  std::string reason = control.substr(2);
  if (!valid_utf8(reason)) return fail(ws_close::invalid_payload, "close reason not UTF-8");
  return frame_event{frame_event::type::close, std::move(reason), code};
}

frame_event frame_parser::fail(int code, std::string why) {
  stage_ = stage::finished;
  buffer_.reset();
  return frame_event{frame_event::type::fail, std::move(why), code};
}

std::string& frame_parser::buffer() {
  if (!buffer_) buffer_ = std::make_unique<std::string>();
  return *buffer_;
}

std::size_t frame_parser::message_size() const {
  return buffer_ ? buffer_->size() - control_length_ : 0;
}

std::string frame_parser::take_control() {
  if (control_length_ == 0) {
    if (buffer_ && !in_message_) buffer_.reset();
    return {};
  }
  std::string& all = *buffer_;
  std::string control = all.substr(all.size() - control_length_);
  all.resize(all.size() - control_length_);
  control_length_ = 0;
  // Between messages the buffer held this frame only: give it back.
  if (!in_message_) buffer_.reset();
  return control;
}

}  // namespace whisper::net
