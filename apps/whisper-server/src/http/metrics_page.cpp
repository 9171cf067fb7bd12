// GET /metrics, guarded by config.metrics: off (404, as if absent), local (loopback
// peers only, else 403), public, or token (the API token as a Bearer token, else 403).
#include <asio/ip/address.hpp>

#include "http/http_util.hpp"
#include "http/site.hpp"
#include "ops/server_metrics.hpp"

namespace whisper_server {
namespace {

// 127.0.0.0/8, ::1, and IPv4-mapped loopback on a dual-stack socket.
bool is_loopback_peer(const std::string& address) {
  asio::error_code ec;
  const auto parsed = asio::ip::make_address(address, ec);
  if (ec) return false;
  if (parsed.is_v6() && parsed.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, parsed.to_v6()).is_loopback();
  }
  return parsed.is_loopback();
}

}  // namespace

bool metrics_access_allowed(const std::string& mode, const std::string& remote_address,
                            bool via_api_token) {
  if (mode == "public") return true;
  if (mode == "local") return is_loopback_peer(remote_address);
  if (mode == "token") return via_api_token;
  return false;
}

void handle_metrics(const site_context& site, const whisper::request& request, const visitor& who,
                    const net::http_responder& respond) {
  const std::string& mode = site.config.metrics;
  if (mode == "off") {
    respond(message_page(404, "Not Found", "The requested page does not exist."));
    return;
  }
  if (request.method != "GET" && request.method != "HEAD") {
    auto response = message_page(405, "Method Not Allowed", "Metrics are read with GET.");
    response.headers.emplace_back("Allow", "GET, HEAD");
    respond(std::move(response));
    return;
  }
  if (!metrics_access_allowed(mode, request.remote_address, who.via_api_token)) {
    respond(message_page(403, "Forbidden", "Metrics are not available to this client."));
    return;
  }
  net::http_response response;
  response.headers.emplace_back("Content-Type", metrics_content_type);
  response.headers.emplace_back("Cache-Control", "no-store");
  response.body = render_metrics(site.metrics, site.hub, site.rooms);
  respond(std::move(response));
}

}  // namespace whisper_server
