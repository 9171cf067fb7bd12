// The transport's own limits: buffer sizes and per-turn budgets of the HTTP + WebSocket
// server, each with its default and why. The chat limits (frame size, queue bounds,
// timeouts) are whisper::limits; these say how the bytes are moved.
#pragma once

#include <cstddef>

namespace whisper::net {

/// Buffer sizes and fairness budgets of the transport. Plain aggregate; copy it freely.
/// server_options::transport carries it; the server refuses values it cannot work with
/// (std::invalid_argument from its constructor).
///
/// Thread safety: distinct objects safe; a shared object is safe for concurrent reads.
struct transport_limits {
  /// Bytes one read takes from a plain socket, into a buffer shared by the io thread's
  /// connections (an idle connection holds none): 16 KiB takes a burst of chat frames in
  /// one call, and is what websocketpp's stock config reads.
  std::size_t read_buffer_bytes = std::size_t{16} * 1024;
  /// Reads per readable event of one WebSocket before the thread serves the others: one
  /// fast sender cannot starve the connections sharing its thread.
  int read_rounds = 4;
  /// Bytes of a TLS connection's own read buffer: an asynchronous TLS read fills it
  /// before its handler runs, so it cannot share the thread's buffer; 8 KiB is about
  /// one TLS record's worth of chat.
  std::size_t tls_read_buffer_bytes = std::size_t{8} * 1024;
  /// iovecs per gathered sendmsg (a frame takes at most 2): 256 hold a loop turn's worth
  /// of broadcast frames in one system call, well below the kernel's 1024 (UIO_MAXIOV).
  std::size_t gather_iovecs = 256;
  /// Bytes copied into the io thread's gather buffer per sendmsg at most: about what a
  /// socket takes per call, so a slow reader's backlog is not copied again and again.
  std::size_t gather_bytes = std::size_t{64} * 1024;
  /// Payloads up to this size are copied next to their header instead of getting an
  /// iovec of their own: at W1 window 16, 32 tiny iovecs per sendmsg made the kernel's
  /// per-iovec setup 10% of server CPU (docs/performance-design.md), and copying 100 bytes
  /// costs less than one iovec. Larger payloads are written from the one shared buffer.
  std::size_t copy_threshold_bytes = 1024;
  /// Gathered writes per connection per loop turn before yielding to the thread's other
  /// connections (a connection with more queued is flushed again next turn).
  int write_rounds = 16;
  /// Sends per io_uring submission at most (io_backend::io_uring): the ring's size, and
  /// how many connections' writes of one loop turn share one kernel entry. 512 keep a
  /// fan-out to a 2000-member room to four entries; the ring and its arena cost about
  /// 300 KiB per io thread.
  std::size_t batch_sends = 512;
  /// A TLS connection's coalescing write buffer is freed after a write when it grew past
  /// this: an idle connection does not keep a burst's buffer.
  std::size_t tls_write_buffer_keep_bytes = std::size_t{64} * 1024;
};

}  // namespace whisper::net
