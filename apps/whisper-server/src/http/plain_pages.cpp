// GET /, /admin/, /static/<file>, /favicon.ico and /healthz.
#include <string>

#include "http/api_common.hpp"
#include "http/http_util.hpp"
#include "http/site.hpp"
#include "http/web_assets.hpp"
#include "whisper/redis_channel_layer.hpp"

namespace whisper_server {
namespace {

// Served at / until the web engineer's chat.html exists: proves the login flow.
constexpr std::string_view kChatFallback =
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta name=\"csrf-token\" content=\"{{csrf_token}}\"><title>whisper</title>"
    "<link rel=\"stylesheet\" href=\"/static/style.css\"></head><body><main>"
    "<h1>whisper</h1><p>Logged in as <strong>{{username}}</strong>.</p>"
    "<form method=\"post\" action=\"/accounts/logout/\">"
    "<input type=\"hidden\" name=\"csrfmiddlewaretoken\" value=\"{{csrf_token}}\">"
    "<button type=\"submit\">Log out</button></form></main></body></html>";
constexpr std::string_view kAdminFallback =
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta name=\"csrf-token\" content=\"{{csrf_token}}\"><title>whisper admin</title></head>"
    "<body><main><h1>whisper administration</h1><p>Staff user {{username}}: use the JSON API "
    "under /api/ (docs/api.md).</p></main></body></html>";

net::http_response login_redirect(std::string_view next) {
  return redirect_response("/accounts/login/?next=" + url_encode(next));
}

net::http_response static_file(std::string_view name) {
  const web_asset* asset = nullptr;
  // Templates (*.html) hold placeholders and are only served rendered.
  const bool is_template = name.size() >= 5 && name.substr(name.size() - 5) == ".html";
  if (name.find('/') == std::string_view::npos && !is_template) asset = find_web_asset(name);
  if (asset == nullptr) return message_page(404, "Not Found", "No such file.");
  net::http_response response;
  response.headers.emplace_back("Content-Type", std::string(asset->content_type));
  // Assets are not fingerprinted: cache briefly, and revalidate after a deploy.
  response.headers.emplace_back("Cache-Control", "public, max-age=300");
  add_security_headers(response);
  response.body = std::string(asset->body);
  return response;
}

// Browsers ask for /favicon.ico on their own; the site's icon is an SVG, which current
// browsers take as a favicon behind a redirect too (tests/e2e/logout.test.js watches
// Chromium do it; the pages also name it with <link rel="icon">). One icon, no second
// copy to keep in step. Cacheable for a day: otherwise asked for on every page load.
net::http_response favicon_redirect() {
  auto response = redirect_response("/static/favicon.svg");
  response.status = 301;
  for (auto& [name, value] : response.headers) {
    if (name == "Cache-Control") value = "public, max-age=86400";
  }
  return response;
}

// The parts a serving process depends on, each "ok" or why not. The database is vital
// (503: nothing can log in); Redis is not: without it every process still serves its own
// users' rooms (docs/configuration.md), so a balancer or orchestrator must not pull or
// restart the process — 200 with "degraded" and "redis": "down" says what is wrong.
net::http_response health(const site_context& site) {
  boost::json::object body;
  bool database_ok = false;
  if (const auto state = site.db_file.check(); state != database_file_state::ok) {
    body["database"] = "unavailable";
    body["reason"] = site.db_file.reason(state);
  } else {
    try {
      auto guard = site.db.lock();
      statement probe(site.db, "SELECT COUNT(*) FROM rooms");
      probe.step();
      body["database"] = "ok";
      database_ok = true;
    } catch (const std::exception& e) {
      body["database"] = "unavailable";
      body["reason"] = std::string("the database cannot be read: ") + e.what();
    }
  }
  bool redis_ok = true;
  if (site.metrics.redis != nullptr) {
    redis_ok = site.metrics.redis->connected.load(std::memory_order_relaxed);
    body["redis"] = redis_ok ? "ok" : "down";
  }
  body["status"] = !database_ok ? "unavailable" : redis_ok ? "ok" : "degraded";
  return json_value_response(database_ok ? 200 : 503, body);
}

}  // namespace

bool handle_plain_pages(const site_context& site, const whisper::request& request,
                        const visitor& who, const net::http_responder& respond) {
  if (request.method != "GET" && request.method != "HEAD") return false;
  const std::string& path = request.path;
  if (path == "/") {
    // The composer counts against the server's own limit, so the page is handed it.
    const std::string max_message = std::to_string(site.config.limits.max_message_bytes);
    respond(who.user && !who.via_api_token ? render_page(site, who, "chat.html", kChatFallback,
                                                         {{"max_message_bytes", max_message}})
                                           : login_redirect("/"));
  } else if (path == "/admin/") {
    if (!who.user || who.via_api_token) {
      respond(login_redirect("/admin/"));
    } else if (!who.user->is_staff) {
      respond(message_page(403, "Forbidden", "The administration is for staff users only."));
    } else {
      respond(render_page(site, who, "admin.html", kAdminFallback));
    }
  } else if (path == "/favicon.ico") {
    respond(favicon_redirect());
  } else if (path.rfind("/static/", 0) == 0) {
    respond(static_file(std::string_view(path).substr(8)));
  } else if (path == "/healthz") {
    respond(health(site));
  } else {
    return false;
  }
  return true;
}

}  // namespace whisper_server
