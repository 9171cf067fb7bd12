// The chat protocol as the bench sees it (docs/protocol.md, "The chat WebSocket"): the
// two commands it sends, and a fast classifier for the server's text frames.
//
// The classifier is not a JSON parser: it looks for the few keys the protocol puts in
// each frame, which is enough to tell the frame kinds apart and cheap enough to run on
// millions of frames a second. Probe messages carry "t=<send ns>;c=<connection id>;"
// so a receiver can compute latency and a sender can recognise its own echo.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace whisper_bench {

std::string make_join_command(std::int64_t room);

// `pad_to` pads the message text with 'x' up to that many bytes (0: no padding).
std::string make_send_command(std::int64_t room, std::uint64_t send_ns, std::uint32_t conn_id,
                              std::size_t pad_to);

enum class frame_kind { join_reply, probe, chat_other, error, other };

struct classified {
  frame_kind kind = frame_kind::other;
  std::int64_t room = -1;     // join reply: the joined room
  std::uint64_t send_ns = 0;  // probe: the sender's timestamp
  std::uint32_t sender = 0;   // probe: the sending connection's id
  std::string_view error;     // error: the code
};

classified classify_server_text(std::string_view payload);

}  // namespace whisper_bench
