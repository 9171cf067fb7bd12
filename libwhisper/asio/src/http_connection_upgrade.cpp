// The WebSocket upgrade of an http_connection: the RFC 6455 checks, Origin, authentication,
// the server-wide and per-user connection limits, then the hand-over of the socket to a
// ws_connection.
#include <spdlog/spdlog.h>

#include "http_connection.hpp"
#include "http_wire.hpp"
#include "refused_origin_log.hpp"
#include "whisper/auth.hpp"
#include "ws_connection.hpp"

namespace whisper::net {

void http_connection::upgrade(whisper::request&& request) {
  server_context& ctx = owner_.context();
  const auto upgrade_header = request.header("upgrade");
  const auto version = request.header("sec-websocket-version");
  const auto key = request.header("sec-websocket-key");
  if (request.method != "GET" || !upgrade_header ||
      !header_has_token(*upgrade_header, "websocket") || !key || key->empty()) {
    ctx.stats.refused_other.fetch_add(1, std::memory_order_relaxed);
    return refuse(400, "a WebSocket upgrade was expected here", "not a WebSocket upgrade");
  }
  if (!version || *version != "13") {
    // RFC 6455 §4.4: 426 and the version this server speaks.
    ctx.stats.refused_other.fetch_add(1, std::memory_order_relaxed);
    auto response = plain_response(426, "unsupported WebSocket version");
    response.headers.emplace_back("Sec-WebSocket-Version", "13");
    return refuse_with(std::move(response), "unsupported Sec-WebSocket-Version");
  }
  const auto origin = request.header("origin");
  if (!whisper::origin_allowed(origin, request.header("host").value_or(""),
                               ctx.options.allowed_hosts)) {
    ctx.stats.refused_origin.fetch_add(1, std::memory_order_relaxed);
    explain_refused_origin(ctx.refused_origins, *origin, request.header("host").value_or(""),
                           ctx.options.allowed_hosts);
    return refuse(403, "origin not allowed", "origin " + std::string(*origin) + " not allowed");
  }

  if (client_ != remote_) {
    // Behind a trusted proxy the count taken at accept is the proxy's: the WebSocket
    // counts against the client it speaks for instead (the move gives the proxy's back).
    auto slot = ctx.per_ip->try_acquire(client_, ctx.options.limits.max_connections_per_ip);
    if (!slot) {
      ctx.stats.refused_ip_limit.fetch_add(1, std::memory_order_relaxed);
      return refuse(429, "too many connections from this address", "address connection limit");
    }
    address_slot_ = std::move(*slot);
  }

  const std::string response_101 = switching_protocols_response(*key);

  whisper::auth_result result;
  try {
    result = ctx.authenticate ? ctx.authenticate(request)
                              : whisper::auth_result::refuse("no authenticator configured");
  } catch (const std::exception& e) {
    spdlog::error("authenticator failed for remote={}: {}", client_, e.what());
    ctx.stats.refused_other.fetch_add(1, std::memory_order_relaxed);
    return refuse(500, "internal server error", "authenticator failed");
  }
  if (!result) {
    ctx.stats.refused_auth.fetch_add(1, std::memory_order_relaxed);
    const int status = result.status >= 400 && result.status < 600 ? result.status : 403;
    return refuse(status, reason_phrase(status), "not authenticated: " + result.reason);
  }

  using refusal = connection_counter<whisper::user_id>::refusal;
  refusal why = refusal::none;
  auto user_count =
      ctx.per_user->try_acquire(result.who->id, ctx.options.limits.max_connections_per_user,
                                ctx.options.max_connections, why);
  if (why == refusal::total_limit) {
    // A flood past the cap must not flood the log too: the first and every 1000th.
    if (ctx.stats.refused_server_full.fetch_add(1, std::memory_order_relaxed) % 1000 == 0) {
      spdlog::warn(
          "refused upgrade: the server holds max_connections = {} WebSockets; raise "
          "max_connections (and the open-file limit) or add servers",
          ctx.options.max_connections);
    }
    auto response = plain_response(503, "the server is at its connection limit; retry later");
    response.headers.emplace_back("Retry-After", "10");
    return refuse_with(std::move(response), "server connection limit");
  }
  if (!user_count) {
    ctx.stats.refused_user_limit.fetch_add(1, std::memory_order_relaxed);
    // Logged through refuse(): rate-limited, as one account can retry at will.
    return refuse(
        429, "too many connections for this user",
        "too many connections for user " + result.who->username + " (max_connections_per_user)");
  }

  // Accepted: the socket moves to a ws_connection; this http_connection and its request go away.
  ctx.stats.upgrades.fetch_add(1, std::memory_order_relaxed);
  auto self = shared_from_this();
  finished_ = true;
  owner_.remove(this);
  auto conn =
      std::make_shared<ws_connection>(owner_, std::move(socket_), std::move(*result.who), client_,
                                      std::move(address_slot_), std::move(*user_count));
  const std::string early = std::move(leftover_);
  conn->start(response_101, early, std::move(result.session));
}

}  // namespace whisper::net
