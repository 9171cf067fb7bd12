#include "redis_link.hpp"

#include <asio/bind_executor.hpp>

#include "reconnect_backoff.hpp"

namespace whisper::redis_detail {

redis_link::redis_link(strand_type strand, redis_url url, const redis_options& options,
                       std::string role, handlers on)
    : strand_(strand),
      url_(std::move(url)),
      options_(options),
      role_(std::move(role)),
      on_(std::move(on)),
      retry_timer_(strand) {}

void redis_link::start() {
  stopped_ = false;
  attempt();
}

void redis_link::stop() {
  stopped_ = true;
  retry_timer_.cancel();
  if (client_) client_->close();
  client_.reset();
}

void redis_link::attempt() {
  if (stopped_) return;
  if (client_) client_->close();
  client_ = std::make_shared<redis_client>(strand_, url_, options_.connect_timeout);
  auto weak = weak_from_this();
  client_->connect(
      [weak](const std::string& error) {
        if (auto self = weak.lock()) self->on_connected(error);
      },
      [weak](const std::string& reason) {
        if (auto self = weak.lock()) self->on_lost(reason);
      });
}

void redis_link::on_connected(const std::string& error) {
  if (stopped_) return;
  if (!error.empty()) {
    // Log the first failure of an outage only; the retries are the same news.
    if (!outage_logged_) {
      log(redis_log_level::error, "cannot reach Redis at " + url_.to_string() + " (" + role_ +
                                      "): " + error + "; retrying in the background");
      outage_logged_ = true;
    }
    return retry_later();
  }
  if (ever_connected_) ++reconnects_;
  if (outage_logged_) {
    log(redis_log_level::info, "Redis at " + url_.to_string() + " (" + role_ + ") is back after " +
                                   std::to_string(failures_) + " failed attempt(s)");
  }
  ever_connected_ = true;
  outage_logged_ = false;
  failures_ = 0;
  if (on_.up) on_.up(*client_);
}

void redis_link::on_lost(const std::string& reason) {
  if (stopped_) return;
  log(redis_log_level::warn, "lost the connection to Redis at " + url_.to_string() + " (" + role_ +
                                 "): " + reason +
                                 "; local rooms keep working, reconnecting with backoff");
  outage_logged_ = true;
  if (on_.down) on_.down();
  retry_later();
}

void redis_link::retry_later() {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const auto delay = reconnect_delay(failures_++, options_.reconnect_backoff_min,
                                     options_.reconnect_backoff_max, unit(jitter_));
  retry_timer_.expires_after(delay);
  retry_timer_.async_wait(
      asio::bind_executor(strand_, [weak = weak_from_this()](asio::error_code ec) {
        auto self = weak.lock();
        if (!ec && self) self->attempt();
      }));
}

void redis_link::log(int level, const std::string& text) const {
  if (options_.log) options_.log(level, text);
}

}  // namespace whisper::redis_detail
