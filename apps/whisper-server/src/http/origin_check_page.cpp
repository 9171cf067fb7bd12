// GET /chat/origin/?origin=<the page's location.origin>: would the chat WebSocket accept
// that page? A browser cannot read why a WebSocket was refused, so after a failed
// connect the chat page asks here, with the same rule the upgrade applies (the Origin
// against allowed_hosts, or against Host when none are set), and can tell the person
// which address to open instead of showing "Reconnecting" forever.
#include "http/api_common.hpp"
#include "net_namespace.hpp"
#include "whisper/asio/origin_hint.hpp"
#include "whisper/auth.hpp"

namespace whisper_server {

void handle_origin_check(const site_context& site, const whisper::request& request,
                         const net::http_responder& respond) {
  const std::string origin = form_value(parse_form(request.query), "origin");
  const auto host = request.header("host").value_or("");
  const std::vector<std::string>& allowed = site.config.allowed_hosts;
  if (whisper::origin_allowed(origin, host, allowed)) {
    respond(json_value_response(200, boost::json::object{{"allowed", true}}));
    return;
  }
  // Only a plain http(s)://host[:port] is repeated back; anything else was not a page's.
  const std::string authority = net::origin_authority(origin);
  respond(json_value_response(
      200, boost::json::object{{"allowed", false},
                               {"origin", authority.empty() ? "" : origin},
                               {"host", authority},
                               {"open_as", net::suggested_origin(origin, allowed)}}));
}

}  // namespace whisper_server
