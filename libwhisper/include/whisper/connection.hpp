// The transport side of one client, as the core sees it. The core never touches a
// socket: it hands encoded frames to a connection and asks it to close.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace whisper {

/// One encoded text frame payload (a JSON object). Encoded once per event and shared,
/// unchanged, by every recipient: never copy or re-encode it per connection.
using payload_ptr = std::shared_ptr<const std::string>;

/// Makes a payload_ptr from text (one allocation for the control block and string).
payload_ptr make_payload(std::string text);

/// What became of a send.
enum class queue_result {
  queued,    ///< accepted; it will be written in order
  overflow,  ///< the bound of the outbound queue was reached: the frame was dropped and the
             ///< caller should close the connection (close_code::try_again_later)
  closed,    ///< the connection is closing or closed: the frame was dropped
};

/// Implemented by a transport, one object per client connection.
///
/// Thread safety: queue() and close() may be called from any thread at the same time and
/// must not block (no waiting on the network or on a slow peer): they queue and return.
class connection {
 public:
  virtual ~connection() = default;

  /// Queues one text frame for this client, after every frame queued before it.
  virtual queue_result queue(payload_ptr frame) = 0;

  /// Starts closing: frames queued before stay ahead of the close frame. Idempotent. The
  /// transport reports the end of the connection through consumer::on_close().
  virtual void close(int code, std::string_view reason) = 0;
};

}  // namespace whisper
