// Drives a hiredis async context from an Asio io_context (hiredis 0.14 ships adapters
// for libevent, libuv, ... but not for Asio). hiredis tells the adapter, through five
// hooks, when it wants to read or write; the adapter waits for readiness on the socket
// and calls redisAsyncHandleRead/Write. No thread ever blocks.
#pragma once

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/strand.hpp>
#include <memory>

struct redisAsyncContext;

namespace whisper::redis_detail {

using strand_type = asio::strand<asio::io_context::executor_type>;

/// One per hiredis context. The socket stays owned by hiredis: the descriptor wraps
/// c.fd and is released, never closed, on cleanup.
///
/// Thread safety: every member, and every hiredis call on the context, must run on the
/// strand given to attach().
class asio_hiredis_adapter : public std::enable_shared_from_this<asio_hiredis_adapter> {
 public:
  /// Installs the hooks on `ac` and starts watching for the end of its non-blocking
  /// connect. The context keeps the adapter alive until its cleanup hook runs.
  static void attach(redisAsyncContext* ac, strand_type strand);

  asio_hiredis_adapter(redisAsyncContext* ac, strand_type strand);

 private:
  static void on_add_read(void* self);
  static void on_del_read(void* self);
  static void on_add_write(void* self);
  static void on_del_write(void* self);
  static void on_cleanup(void* self);

  void arm_read();
  void arm_write();

  redisAsyncContext* ac_;  // null once hiredis cleaned up (the context is being freed)
  strand_type strand_;
  asio::posix::stream_descriptor socket_;
  bool want_read_ = false;
  bool want_write_ = false;
  bool read_armed_ = false;
  bool write_armed_ = false;
  // The reference the hiredis context holds on us (ev.data is a raw pointer).
  std::shared_ptr<asio_hiredis_adapter> held_by_context_;
};

}  // namespace whisper::redis_detail
