#include "asio_hiredis_adapter.hpp"

#include <hiredis/async.h>

#include <asio/bind_executor.hpp>

namespace whisper::redis_detail {

asio_hiredis_adapter::asio_hiredis_adapter(redisAsyncContext* ac, strand_type strand)
    : ac_(ac), strand_(strand), socket_(strand, ac->c.fd) {}

void asio_hiredis_adapter::attach(redisAsyncContext* ac, strand_type strand) {
  auto self = std::make_shared<asio_hiredis_adapter>(ac, strand);
  self->held_by_context_ = self;
  ac->ev.data = self.get();
  ac->ev.addRead = &on_add_read;
  ac->ev.delRead = &on_del_read;
  ac->ev.addWrite = &on_add_write;
  ac->ev.delWrite = &on_del_write;
  ac->ev.cleanup = &on_cleanup;
  // hiredis 0.14 notices the end of a non-blocking connect only on the first write
  // event and does not ask for it itself: ask for it here, so the connect callback
  // fires even before any command is queued.
  on_add_write(self.get());
}

void asio_hiredis_adapter::on_add_read(void* self) {
  auto* a = static_cast<asio_hiredis_adapter*>(self);
  a->want_read_ = true;
  a->arm_read();
}

void asio_hiredis_adapter::on_del_read(void* self) {
  static_cast<asio_hiredis_adapter*>(self)->want_read_ = false;
}

void asio_hiredis_adapter::on_add_write(void* self) {
  auto* a = static_cast<asio_hiredis_adapter*>(self);
  a->want_write_ = true;
  a->arm_write();
}

void asio_hiredis_adapter::on_del_write(void* self) {
  static_cast<asio_hiredis_adapter*>(self)->want_write_ = false;
}

// Called while hiredis frees the context: stop touching it, give the fd back untouched
// (hiredis closes it), and drop the context's reference. Waits still pending complete
// with operation_aborted and hold their own reference until then.
void asio_hiredis_adapter::on_cleanup(void* self) {
  auto* a = static_cast<asio_hiredis_adapter*>(self);
  a->ac_ = nullptr;
  a->want_read_ = a->want_write_ = false;
  asio::error_code ignored;
  a->socket_.cancel(ignored);
  a->socket_.release();
  auto keep = std::move(a->held_by_context_);  // may be the last reference: keep it to return
}

// At most one wait per direction is outstanding; hooks only flip the wish, and a
// completed wait re-arms itself while the wish stands.
void asio_hiredis_adapter::arm_read() {
  if (read_armed_ || ac_ == nullptr) return;
  read_armed_ = true;
  socket_.async_wait(asio::posix::stream_descriptor::wait_read,
                     asio::bind_executor(strand_, [self = shared_from_this()](asio::error_code ec) {
                       self->read_armed_ = false;
                       if (ec || self->ac_ == nullptr || !self->want_read_) return;
                       redisAsyncHandleRead(self->ac_);  // may free the context
                       if (self->want_read_) self->arm_read();
                     }));
}

void asio_hiredis_adapter::arm_write() {
  if (write_armed_ || ac_ == nullptr) return;
  write_armed_ = true;
  socket_.async_wait(asio::posix::stream_descriptor::wait_write,
                     asio::bind_executor(strand_, [self = shared_from_this()](asio::error_code ec) {
                       self->write_armed_ = false;
                       if (ec || self->ac_ == nullptr || !self->want_write_) return;
                       redisAsyncHandleWrite(self->ac_);  // may free the context
                       if (self->want_write_) self->arm_write();
                     }));
}

}  // namespace whisper::redis_detail
