#include "redis_client.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <asio/bind_executor.hpp>
#include <string_view>

namespace whisper::redis_detail {
namespace {

// A pub/sub reply that answers a command of ours ("subscribe"/"unsubscribe" confirm a
// channel), as opposed to a message someone published.
bool is_confirmation(const redisReply* r) {
  if (r->type != REDIS_REPLY_ARRAY || r->elements < 1) return false;
  const redisReply* kind = r->element[0];
  if (kind->type != REDIS_REPLY_STRING) return false;
  const std::string_view k(kind->str, kind->len);
  return k == "subscribe" || k == "unsubscribe" || k == "psubscribe" || k == "punsubscribe";
}

}  // namespace

redis_client::redis_client(strand_type strand, redis_url url, std::chrono::milliseconds timeout)
    : strand_(strand), url_(std::move(url)), timeout_(timeout), timer_(strand) {}

redis_client::~redis_client() {
  close();
}

void redis_client::connect(connect_fn done, lost_fn lost) {
  connect_done_ = std::move(done);
  lost_ = std::move(lost);
  ac_ = redisAsyncConnect(url_.host.c_str(), url_.port);
  if (ac_ == nullptr) return finish_connect("out of memory");
  if (ac_->err != 0) {  // e.g. refused at once on loopback, or a host that does not resolve
    const std::string why = ac_->errstr;
    redisAsyncFree(ac_);
    ac_ = nullptr;
    return finish_connect(why);
  }
  ac_->data = this;
  redisAsyncSetConnectCallback(ac_, &redis_client::on_connect);
  redisAsyncSetDisconnectCallback(ac_, &redis_client::on_disconnect);
  asio_hiredis_adapter::attach(ac_, strand_);

  // hiredis 0.14 has no connect timeout of its own for async contexts.
  timer_.expires_after(timeout_);
  timer_.async_wait(asio::bind_executor(strand_, [weak = weak_from_this()](asio::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || !self->connect_done_) return;
    self->fail_connect("connection timed out");
  }));
}

void redis_client::on_connect(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<redis_client*>(ac->data);
  if (self == nullptr) return;  // close() already let go of this context
  if (status == REDIS_OK) return self->handshake();
  // hiredis frees the context itself after a failed connect.
  const std::string why = ac->errstr != nullptr ? ac->errstr : "connection failed";
  self->ac_ = nullptr;
  self->finish_connect(why);
}

// AUTH and SELECT when the URL asks for them, then PING: only an answer proves Redis
// (not just some TCP listener) is there and accepts us.
void redis_client::handshake() {
  auto check = [weak = weak_from_this()](const redisReply* r) {
    auto self = weak.lock();
    if (!self || !self->connect_done_) return;
    if (r == nullptr) return self->finish_connect("connection lost during the handshake");
    if (r->type == REDIS_REPLY_ERROR) {
      self->fail_connect(std::string(r->str, r->len));
    }
  };
  if (!url_.password.empty()) {
    std::vector<std::string> auth{"AUTH"};
    if (!url_.username.empty()) auth.push_back(url_.username);
    auth.push_back(url_.password);
    command(auth, check);
  }
  if (url_.db != 0) command({"SELECT", std::to_string(url_.db)}, check);
  command({"PING"}, [check, weak = weak_from_this()](const redisReply* r) {
    check(r);
    auto self = weak.lock();
    if (!self || !self->connect_done_ || r == nullptr || r->type == REDIS_REPLY_ERROR) return;
    self->ready_ = true;
    self->finish_connect("");
  });
}

void redis_client::finish_connect(const std::string& error) {
  timer_.cancel();
  auto done = std::move(connect_done_);
  connect_done_ = nullptr;
  if (done) done(error);
}

// Closing fails the handshake's pending commands (null replies): take the callback
// first so only this reason is reported.
void redis_client::fail_connect(const std::string& error) {
  auto done = std::move(connect_done_);
  connect_done_ = nullptr;
  close();
  if (done) done(error);
}

void redis_client::on_disconnect(const redisAsyncContext* ac, int /*status*/) {
  auto* self = static_cast<redis_client*>(ac->data);
  if (self == nullptr) return;  // freed by close(): the owner knows already
  const std::string why = ac->errstr != nullptr && ac->err != 0 ? ac->errstr : "closed by Redis";
  const bool was_ready = self->ready_;
  self->ac_ = nullptr;  // hiredis frees it when this returns
  self->ready_ = false;
  if (self->connect_done_) return self->finish_connect(why);
  if (was_ready && self->lost_) self->lost_(why);
}

bool redis_client::send(const std::vector<std::string>& args,
                        void (*fn)(redisAsyncContext*, void*, void*), void* privdata,
                        std::size_t replies) {
  if (ac_ == nullptr) return false;
  std::vector<const char*> argv;
  std::vector<std::size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  if (redisAsyncCommandArgv(ac_, fn, privdata, static_cast<int>(args.size()), argv.data(),
                            lens.data()) != REDIS_OK) {
    return false;
  }
  const auto now = connection_health::clock::now();
  for (std::size_t i = 0; i < replies; ++i) health_.sent(now);
  return true;
}

bool redis_client::command(const std::vector<std::string>& args, reply_fn done) {
  auto* owned = new reply_fn(std::move(done));
  if (send(args, &redis_client::on_reply, owned, 1)) return true;
  delete owned;
  return false;
}

void redis_client::on_reply(redisAsyncContext* ac, void* reply, void* privdata) {
  // hiredis calls each command's callback exactly once (null reply on teardown).
  std::unique_ptr<reply_fn> done(static_cast<reply_fn*>(privdata));
  // Only a real reply may reach the client: on teardown `ac->data` may be gone.
  auto* self = static_cast<redis_client*>(ac->data);
  if (reply != nullptr && self != nullptr) {
    self->health_.received(connection_health::clock::now(), true);
  }
  if (*done) (*done)(static_cast<const redisReply*>(reply));
}

// (UN)SUBSCRIBE has no reply of its own: Redis confirms each channel named.
bool redis_client::push_command(const std::vector<std::string>& args) {
  return send(args, &redis_client::on_push, this, args.size() > 1 ? args.size() - 1 : 1);
}

void redis_client::on_push(redisAsyncContext* ac, void* reply, void* /*privdata*/) {
  // Null while the context is freed: nothing to deliver, and `ac->data` may be gone.
  if (reply == nullptr) return;
  auto* self = static_cast<redis_client*>(ac->data);
  if (self == nullptr) return;
  const auto* r = static_cast<const redisReply*>(reply);
  self->health_.received(connection_health::clock::now(), is_confirmation(r));
  if (self->push_) self->push_(r);
}

void redis_client::read_now() {
  // The socket is non-blocking: with nothing to read this returns at once. It may lose
  // the connection (lost_ runs) or free the context, as any read may.
  if (ac_ != nullptr && ready_) redisAsyncHandleRead(ac_);
}

void redis_client::close() {
  ready_ = false;
  lost_ = nullptr;
  timer_.cancel();
  if (ac_ == nullptr) return;
  auto* ac = ac_;
  ac_ = nullptr;
  // The callbacks hiredis still runs for this context (now, or after the callback it is
  // in returns) must not reach this object, which may be gone by then.
  ac->data = nullptr;
  redisAsyncFree(ac);  // runs the adapter's cleanup and every pending callback (null reply)
}

}  // namespace whisper::redis_detail
