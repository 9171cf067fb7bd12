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
      retry_timer_(strand),
      health_timer_(strand) {}

void redis_link::start() {
  stopped_ = false;
  attempt();
}

void redis_link::stop() {
  stopped_ = true;
  retry_timer_.cancel();
  health_timer_.cancel();
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
  client_->health() =
      connection_health(options_.health_check_interval, options_.health_check_timeout,
                        connection_health::clock::now());
  if (client_->health().enabled()) check_health_later();
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

// One timer per link, re-armed while the connection it watches is up; a new connection
// re-arms it (which cancels a wait left over from the previous one).
void redis_link::check_health_later() {
  health_timer_.expires_after(client_->health().check_every());
  health_timer_.async_wait(
      asio::bind_executor(strand_, [weak = weak_from_this()](asio::error_code ec) {
        auto self = weak.lock();
        if (!ec && self) self->check_health();
      }));
}

void redis_link::check_health() {
  if (stopped_ || !client_ || !client_->connected()) return;  // on_lost/stop took over
  auto now = connection_health::clock::now();
  if (client_->health().check(now) == connection_health::verdict::dead) {
    // Overdue: first take in what may have arrived while this thread was held up.
    auto keep = client_;  // its callbacks may replace client_
    keep->read_now();
    if (stopped_ || !client_ || !client_->connected()) return;
    now = connection_health::clock::now();
  }
  auto& health = client_->health();
  switch (health.check(now)) {
    case connection_health::verdict::healthy:
      break;
    case connection_health::verdict::ping_now:
      health.probed(now);
      if (on_.probe) {
        on_.probe(*client_);
      } else {
        client_->command({"PING"}, nullptr);
      }
      break;
    case connection_health::verdict::dead: {
      // Closing first: the commands still waiting fail now (null replies), and the
      // client reports no loss of its own, so on_lost runs exactly once.
      ++health_check_failures_;
      const auto waiting = health.waiting();
      client_->close();
      return on_lost("no answer for " + std::to_string(options_.health_check_timeout.count()) +
                     " ms with " + std::to_string(waiting) +
                     " command(s) waiting (health check); Redis hangs or the network drops");
    }
  }
  check_health_later();
}

void redis_link::log(int level, const std::string& text) const {
  if (options_.log) options_.log(level, text);
}

}  // namespace whisper::redis_detail
