// Route classes, the access log line and the response counters.
#include "ops/access_log.hpp"

#include <spdlog/spdlog.h>

#include "http/site.hpp"
#include "net_namespace.hpp"
#include "whisper/asio/log_text.hpp"

namespace whisper_server {

http_route classify_route(std::string_view path) {
  auto starts = [path](std::string_view prefix) { return path.substr(0, prefix.size()) == prefix; };
  if (path == "/" || path == "/admin/") return http_route::pages;
  if (starts("/accounts/")) return http_route::accounts;
  if (starts("/api/")) return http_route::api;
  if (starts("/static/")) return http_route::static_files;
  if (path == "/healthz") return http_route::healthz;
  if (path == "/metrics") return http_route::metrics;
  return http_route::other;
}

const char* route_name(http_route route) {
  static constexpr const char* names[http_route_count] = {"pages",   "accounts", "api",  "static",
                                                          "healthz", "metrics",  "other"};
  return names[static_cast<std::size_t>(route)];
}

access_record::access_record(const site_context& site, const whisper::request& request)
    : site_(&site),
      started_(std::chrono::steady_clock::now()),
      route_(classify_route(request.path)),
      method_(net::log_text(request.method, 16)),
      path_(net::log_text(request.path, 200)),
      remote_(request.remote_address) {}

void access_record::answered(int status) const {
  site_->metrics.http_responses.count(route_, status);
  const auto level = spdlog::level::from_str(site_->config.access_log_level);
  if (level == spdlog::level::off || !site_->log->should_log(level)) return;
  const double latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_)
          .count();
  site_->log->log(level, "http method={} route={} path={} status={} latency_ms={:.3f} remote={}",
                  method_, route_name(route_), path_, status, latency_ms, remote_);
}

}  // namespace whisper_server
