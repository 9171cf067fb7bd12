#include "chat_frames.hpp"

namespace whisper_bench {
namespace {

// Parses the decimal digits at `pos`; returns false if there are none.
bool read_number(std::string_view text, std::size_t pos, std::uint64_t& value) {
  std::size_t start = pos;
  value = 0;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    value = value * 10 + static_cast<std::uint64_t>(text[pos] - '0');
    ++pos;
  }
  return pos > start;
}

// The position just after `"key"`, any spaces, the colon and any spaces; npos if absent.
std::size_t value_of(std::string_view text, std::string_view quoted_key) {
  auto pos = text.find(quoted_key);
  if (pos == std::string_view::npos) return pos;
  pos += quoted_key.size();
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == ':')) ++pos;
  return pos < text.size() ? pos : std::string_view::npos;
}

}  // namespace

std::string make_join_command(std::int64_t room) {
  return R"({"command":"join","room":)" + std::to_string(room) + "}";
}

std::string make_send_command(std::int64_t room, std::uint64_t send_ns, std::uint32_t conn_id,
                              std::size_t pad_to) {
  std::string text = "t=" + std::to_string(send_ns) + ";c=" + std::to_string(conn_id) + ";";
  if (text.size() < pad_to) text.append(pad_to - text.size(), 'x');
  std::string command =
      R"({"command":"send","room":)" + std::to_string(room) + R"(,"message":")" + text + "\"}";
  return command;
}

classified classify_server_text(std::string_view payload) {
  classified out;
  auto type_pos = value_of(payload, "\"msg_type\"");
  if (type_pos != std::string_view::npos) {
    out.kind = frame_kind::chat_other;
    if (payload[type_pos] != '0') return out;
    auto probe = payload.find("\"t=", type_pos);
    if (probe == std::string_view::npos) return out;
    std::uint64_t sender = 0;
    auto c_pos = payload.find(";c=", probe);
    if (read_number(payload, probe + 3, out.send_ns) && c_pos != std::string_view::npos &&
        read_number(payload, c_pos + 3, sender)) {
      out.kind = frame_kind::probe;
      out.sender = static_cast<std::uint32_t>(sender);
    }
    return out;
  }
  auto join_pos = value_of(payload, "\"join\"");
  if (join_pos != std::string_view::npos) {
    std::uint64_t room = 0;
    if (payload[join_pos] == '"') ++join_pos;  // the id is a string on the wire
    if (read_number(payload, join_pos, room)) {
      out.kind = frame_kind::join_reply;
      out.room = static_cast<std::int64_t>(room);
    }
    return out;
  }
  auto error_pos = value_of(payload, "\"error\"");
  if (error_pos != std::string_view::npos && payload[error_pos] == '"') {
    auto end = payload.find('"', error_pos + 1);
    if (end != std::string_view::npos) {
      out.kind = frame_kind::error;
      out.error = payload.substr(error_pos + 1, end - error_pos - 1);
    }
  }
  return out;
}

}  // namespace whisper_bench
