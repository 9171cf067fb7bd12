// A consumer's life: attaching to the channel layer, inbound frames (rate limited, then
// dispatched), outbound frames (with the slow-client rule), events, and the close.
#include "whisper/consumer.hpp"

#include <algorithm>
#include <cstdint>
#include <exception>

#include "whisper/chat_hub.hpp"
#include "whisper/protocol.hpp"

namespace whisper {

// One consumer per open connection, idle or not (W3 in docs/benchmarks.md: the target is
// 1 KiB per idle joined connection, all of it counted): every byte added here is paid
// once per connection. Raise the bound knowingly. (64-bit libstdc++ layout.)
#if defined(__GLIBCXX__) && UINTPTR_MAX == UINT64_MAX
static_assert(sizeof(consumer) <= 328, "the consumer grew: see the comment above");
#endif

consumer::consumer(chat_hub& hub, std::shared_ptr<connection> conn, whisper::user who,
                   std::string session)
    : hub_(hub),
      conn_(std::move(conn)),
      user_(std::move(who)),
      session_(std::move(session)),
      limiter_(hub.options().limits, hub.steady_now()) {}

consumer::~consumer() {
  // A transport that dropped its consumer without on_close() must not leave it listed.
  // Not listed any more (on_close() ran, or the hub is gone first and said so): the hub
  // is not touched, it may no longer exist.
  if (registered_.load(std::memory_order_acquire)) hub_.forget_connection(this);
}

void consumer::attach() {
  channel_name_ = hub_.layer().add_channel(shared_from_this());
  // Every connection of a user shares a group, so the user can be disconnected anywhere.
  hub_.layer().group_add(user_group_name(user_.id), channel_name_);
}

whisper::user consumer::user() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return user_;
}

void consumer::on_text(std::string_view frame) {
  if (closed_.load(std::memory_order_acquire)) return;
  hub_stats& stats = hub_.stats();
  stats.frames_in.fetch_add(1, std::memory_order_relaxed);
  const limits& lim = hub_.options().limits;
  if (frame.size() > lim.max_frame_bytes) {
    // Transports enforce this before reading the frame; this guards embedders that do not.
    close(close_code::message_too_big, "frame too large");
    return;
  }
  const rate_limiter::verdict verdict = limiter_.take(hub_.steady_now());
  if (verdict != rate_limiter::verdict::accept) {
    stats.rate_limited.fetch_add(1, std::memory_order_relaxed);
    queue_error(error_code::rate_limited);
    if (verdict == rate_limiter::verdict::close) close(close_code::policy_violation, "rate limit");
    return;  // the refused frame is not processed
  }
  try {
    hub_.commands().dispatch(*this, frame, lim);
  } catch (const std::exception&) {
    // Nothing a client sends may throw into the transport (e.g. bad_alloc while decoding).
    queue_error(error_code::bad_request);
  }
}

void consumer::on_close() {
  // remove_channel() below drops the layer's reference: stay alive until we return even
  // if the transport held this consumer only weakly.
  const std::shared_ptr<consumer> keep_alive = weak_from_this().lock();
  std::vector<room_id> joined_rooms;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_.exchange(true, std::memory_order_acq_rel)) return;  // idempotent
    joined_rooms.swap(rooms_);
  }
  const bool notify = hub_.options().enter_leave_notices;
  const whisper::user me = user();
  for (room_id room : joined_rooms) {
    hub_.layer().group_discard(group_name(room), channel_name_);
    hub_.presence().left(room, me);
    hub_.stats().leaves.fetch_add(1, std::memory_order_relaxed);
    if (notify) hub_.layer().group_send(group_name(room), make_leave_event(room, user_.username));
  }
  hub_.forget_connection(this);
  // Last: the layer holds this consumer alive until here.
  hub_.layer().remove_channel(channel_name_);
  hub_.stats().connections_closed.fetch_add(1, std::memory_order_relaxed);
}

void consumer::queue(const payload_ptr& frame) {
  if (!frame) return;
  switch (conn_->queue(frame)) {
    case queue_result::queued:
      hub_.stats().deliveries.fetch_add(1, std::memory_order_relaxed);
      break;
    case queue_result::overflow:
      // The client cannot keep up: drop it rather than let its backlog grow.
      if (!overflowed_.exchange(true, std::memory_order_acq_rel)) {
        hub_.stats().slow_disconnects.fetch_add(1, std::memory_order_relaxed);
        conn_->close(close_code::try_again_later, "client too slow");
      }
      break;
    case queue_result::closed:
      break;
  }
}

void consumer::queue_error(error_code code, std::optional<room_id> room, std::string_view message) {
  hub_.stats().errors_sent.fetch_add(1, std::memory_order_relaxed);
  queue(encode_error(code, room, message));
}

void consumer::close(int code, std::string_view reason) {
  conn_->close(code, reason);
}

void consumer::deliver(const event_ptr& e) {
  // Deliveries racing with or after the close are dropped.
  if (!e || closed_.load(std::memory_order_acquire)) return;
  if (hub_.forwards_wire(e->kind())) {
    queue(e->wire);  // the broadcast path: the shared frame, nothing else
    return;
  }
  try {
    if (const event_handler* handler = hub_.handler_for(*e)) {
      (*handler)(*this, *e);
    } else if (e->wire) {
      queue(e->wire);  // an unknown type that brings its own frame is passed through
    }
  } catch (const std::exception&) {
    // An embedder's handler failed: the channel layer must not see it. Drop the event.
  }
}

}  // namespace whisper
