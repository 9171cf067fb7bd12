#include "redis_probe.hpp"

#include <hiredis/hiredis.h>

#include <asio/post.hpp>
#include <future>
#include <memory>
#include <vector>

namespace whisper::redis_detail {
namespace {

// One blocking command; "" if it succeeded.
std::string run(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.c_str());
    lens.push_back(a.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lens.data()));
  if (reply == nullptr) return c->errstr[0] != '\0' ? c->errstr : "no reply";
  std::string error;
  if (reply->type == REDIS_REPLY_ERROR) error.assign(reply->str, reply->len);
  freeReplyObject(reply);
  return error;
}

}  // namespace

std::string probe_redis(const redis_url& url, std::chrono::milliseconds timeout) {
  const auto ms = timeout.count();
  timeval tv{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
  std::unique_ptr<redisContext, void (*)(redisContext*)> c(
      redisConnectWithTimeout(url.host.c_str(), url.port, tv), &redisFree);
  if (!c) return "out of memory";
  if (c->err != 0) return c->errstr;
  redisSetTimeout(c.get(), tv);
  if (!url.password.empty()) {
    std::vector<std::string> auth{"AUTH"};
    if (!url.username.empty()) auth.push_back(url.username);
    auth.push_back(url.password);
    if (auto e = run(c.get(), auth); !e.empty()) return e;
  }
  if (url.db != 0) {
    if (auto e = run(c.get(), {"SELECT", std::to_string(url.db)}); !e.empty()) return e;
  }
  return run(c.get(), {"PING"});
}

std::string unreachable_message(const redis_url& url, const std::string& why) {
  return "cannot reach Redis at " + url.host + ":" + std::to_string(url.port) + ": " + why +
         " \xe2\x80\x94 start redis-server or set redis_url";
}

bool run_on_strand(asio::io_context& io, strand_type strand, std::function<void()> fn,
                   std::chrono::milliseconds limit) {
  if (strand.running_in_this_thread() || io.stopped()) {
    fn();
    return true;
  }
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  asio::post(strand, [fn = std::move(fn), done] {
    fn();
    done->set_value();
  });
  return finished.wait_for(limit) == std::future_status::ready;
}

}  // namespace whisper::redis_detail
