// An in-memory peer for the sans-IO websocket_protocol, with fault injection: inbound
// bytes delivered in reads of any size, and the protocol's write batches taken short,
// refused as would-block, failed on the Nth write, or stalled by a peer that stops
// reading. What reached the peer is kept as bytes and can be decoded into frames.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "frame_parser.hpp"
#include "gather_list.hpp"
#include "websocket_protocol.hpp"

namespace whisper_test {

/// One server frame as the peer decoded it.
struct wire_frame {
  std::uint8_t opcode = 0;
  std::string payload;
};

/// Splits server-to-client bytes into frames (unmasked, final; see frame_writer). A
/// trailing partial frame is left out.
inline std::vector<wire_frame> decode_server_frames(std::string_view wire) {
  std::vector<wire_frame> frames;
  while (wire.size() >= 2) {
    const auto b1 = static_cast<std::uint8_t>(wire[1]) & 0x7F;
    std::size_t head = 2;
    std::uint64_t length = b1;
    if (b1 == 126 || b1 == 127) {
      const std::size_t bytes = b1 == 126 ? 2 : 8;
      if (wire.size() < 2 + bytes) break;
      length = 0;
      for (std::size_t i = 0; i < bytes; ++i) {
        length = (length << 8) | static_cast<std::uint8_t>(wire[2 + i]);
      }
      head += bytes;
    }
    if (wire.size() < head + length) break;
    frames.push_back({static_cast<std::uint8_t>(wire[0] & 0x0F),
                      std::string(wire.substr(head, static_cast<std::size_t>(length)))});
    wire.remove_prefix(head + static_cast<std::size_t>(length));
  }
  return frames;
}

/// The peer's side of one connection.
///
/// Thread safety: one thread (as the connection it stands in for).
class memory_stream {
 public:
  enum class write_result { wrote, would_block, failed, nothing };

  // Faults, all off by default.
  std::size_t max_write = std::numeric_limits<std::size_t>::max();  ///< short writes
  std::size_t would_block_every = 0;  ///< every Nth write would block (0: never)
  std::size_t fail_write = 0;         ///< the Nth write fails (1-based; 0: never)
  /// Bytes the peer takes before it stops reading (its receive window fills up).
  std::size_t window = std::numeric_limits<std::size_t>::max();

  std::string wire;        ///< every byte that reached the peer, in order
  std::size_t writes = 0;  ///< write operations tried
  bool failed = false;     ///< a write failed: the connection is gone

  explicit memory_stream(whisper::net::transport_limits limits = {}) : limits_(limits) {}

  /// One write operation, as the shell does it: the next batch, then as much of it as
  /// the faults let through, accounted to the protocol.
  write_result write_once(whisper::net::websocket_protocol& protocol) {
    using whisper::net::gather_list;
    using whisper::net::gather_space;
    gather_list out(gather_space::of_this_thread(limits_), limits_);
    if (failed || !protocol.next_write(out, limits_.copy_threshold_bytes)) {
      return write_result::nothing;
    }
    ++writes;
    if (fail_write != 0 && writes == fail_write) {
      failed = true;
      return write_result::failed;
    }
    if ((would_block_every != 0 && writes % would_block_every == 0) || wire.size() >= window) {
      return write_result::would_block;
    }
    std::size_t budget = std::min(max_write, window - wire.size());
    std::size_t sent = 0;
    for (std::size_t i = 0; i < out.count() && budget > 0; ++i) {
      const std::size_t take = std::min(budget, out.data()[i].iov_len);
      wire.append(static_cast<const char*>(out.data()[i].iov_base), take);
      budget -= take;
      sent += take;
    }
    protocol.account(sent);
    return write_result::wrote;
  }

  /// Writes until nothing is left or a write does not go through; the last result.
  write_result write_all(whisper::net::websocket_protocol& protocol, int max_ops = 10000) {
    write_result last = write_result::nothing;
    for (int i = 0; i < max_ops; ++i) {
      last = write_once(protocol);
      if (last == write_result::nothing || last == write_result::failed) return last;
      if (last == write_result::would_block && wire.size() >= window) return last;
    }
    return last;
  }

  /// Delivers `bytes` to the protocol in reads of `chunk` bytes (short reads) and
  /// returns every event, in order. Each read is copied to a buffer of its own size.
  static std::vector<whisper::net::frame_event> read(whisper::net::websocket_protocol& protocol,
                                                     std::string_view bytes, std::size_t chunk) {
    std::vector<whisper::net::frame_event> events;
    while (!bytes.empty()) {
      const std::string piece(bytes.substr(0, chunk));
      bytes.remove_prefix(piece.size());
      std::string_view input(piece);
      while (auto event = protocol.next_event(input)) events.push_back(std::move(*event));
    }
    return events;
  }

  /// The frames the peer received so far.
  std::vector<wire_frame> frames() const { return decode_server_frames(wire); }

 private:
  whisper::net::transport_limits limits_;
};

}  // namespace whisper_test
