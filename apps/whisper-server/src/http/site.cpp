// Routing: who is asking (the authenticator, or the API token), CSRF for unsafe methods, then
// the route group. Every exception stops here as a 500: none reaches the transport.
#include "http/site.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <cctype>
#include <memory>

#include "http/csrf_token.hpp"
#include "http/http_util.hpp"
#include "http/page_template.hpp"
#include "http/web_assets.hpp"
#include "net_namespace.hpp"
#include "ops/access_log.hpp"
#include "whisper/asio/log_text.hpp"
#include "whisper/auth.hpp"

namespace whisper_server {
namespace {

bool is_unsafe(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// A csrftoken cookie we would have issued: 32-64 hex digits. Anything else is replaced.
bool plausible_csrf_token(std::string_view token) {
  if (token.size() < 32 || token.size() > 64) return false;
  for (char ch : token) {
    if (!std::isxdigit(static_cast<unsigned char>(ch))) return false;
  }
  return true;
}

// The CSRF token the request carries: the form field, else the X-CSRFToken header.
std::string submitted_csrf_token(const whisper::request& request) {
  if (auto header = request.header("x-csrftoken")) return std::string(*header);
  auto type = request.header("content-type");
  if (type && starts_with(*type, "application/x-www-form-urlencoded")) {
    return form_value(parse_form(request.body), csrf_field_name);
  }
  return {};
}

// Whether a request may write to the database: every unsafe method but a server-side
// publish (POST /api/rooms/<id>/messages), which is chat, not storage, and keeps working
// while the database file is gone, like the chat sockets.
bool may_write_database(const whisper::request& request) {
  if (!is_unsafe(request.method)) return false;
  if (request.method != "POST" || !starts_with(request.path, "/api/rooms/")) return true;
  std::string_view path = request.path;
  if (path.back() == '/') path.remove_suffix(1);
  constexpr std::string_view publish = "/messages";
  return path.size() < publish.size() || path.substr(path.size() - publish.size()) != publish;
}

// The answer to a write while the database file is gone: 503, retry later.
net::http_response database_unavailable(const std::string& reason, bool api) {
  constexpr std::string_view kTellAdmin =
      "The server cannot save changes right now: its database file is missing or was "
      "replaced. "
      "Please try again later or tell the administrator.";
  auto response = api ? json_error(503, "DATABASE_UNAVAILABLE", reason + ".")
                      : message_page(503, "Service Unavailable", kTellAdmin);
  response.headers.emplace_back("Retry-After", "30");
  return response;
}

}  // namespace

visitor site::identify(const whisper::request& request) const {
  visitor who;
  const auto& config = context_.config;
  who.secure = request.secure || config.cookie_secure.value_or(false);
  if (auto auth = request.header("authorization"); auth && !config.api_token.empty()) {
    constexpr std::string_view bearer = "Bearer ";
    if (starts_with(*auth, bearer) &&
        constant_time_equal(auth->substr(bearer.size()), config.api_token)) {
      who.via_api_token = true;
      who.user = whisper::user{0, "api", "API token", true, true};
      return who;
    }
  }
  // The transport parsed the cookies once; the session is the upgrade's authenticator's
  // to judge, so a page and a chat socket agree on who is logged in.
  if (auto csrf = request.cookie(csrf_cookie_name); csrf && plausible_csrf_token(*csrf)) {
    who.csrf_cookie = std::string(*csrf);
  }
  if (whisper::auth_result result = context_.authenticate(request)) {
    who.user = std::move(result.who);
    // The raw id (a credential): logout ends it and the CSRF token is bound to it.
    who.session_id = std::string(request.cookie(config.cookie_name).value_or(""));
  }
  return who;
}

void site::handle(whisper::request&& request, net::http_responder first_respond) const {
  // Exactly one answer per request, even when a handler throws after it was handed the
  // responder (possibly to answer later from the Argon2 pool): the catch below answers
  // 500 only if nobody answered yet. Handlers get copies, never a moved-from function.
  auto answered = std::make_shared<std::atomic<bool>>(false);
  // HSTS only over TLS: RFC 6797 §7.2 forbids it on plain HTTP (anyone on the path could
  // forge or strip it there), and browsers ignore it there anyway.
  std::string hsts;
  if (request.secure && context_.config.hsts_max_age.count() > 0)
    hsts = "max-age=" + std::to_string(context_.config.hsts_max_age.count());
  // The access log line and the /metrics count are made with the answer.
  auto access = std::make_shared<const access_record>(context_, request);
  const net::http_responder respond = [answered, access, hsts = std::move(hsts),
                                       first =
                                           std::move(first_respond)](net::http_response response) {
    if (answered->exchange(true)) return;
    if (!hsts.empty()) response.headers.emplace_back("Strict-Transport-Security", hsts);
    access->answered(response.status);
    first(std::move(response));
  };
  const auto log = context_.log;
  try {
    visitor who = identify(request);
    const bool api = starts_with(request.path, "/api/");
    if (is_unsafe(request.method) && !who.via_api_token) {
      const std::string token = submitted_csrf_token(request);
      const std::string expected = expected_csrf_token(who);
      if (expected.empty() || !constant_time_equal(token, expected)) {
        log->info("CSRF verification failed: {} {} from {}", net::log_text(request.method, 16),
                  net::log_text(request.path), request.remote_address);
        respond(api ? json_error(403, "CSRF_FAILED", "CSRF verification failed.")
                    : message_page(403, "Forbidden", "CSRF verification failed. Request aborted."));
        return;
      }
    }
    // Writes into a database file that is no longer at its path would vanish at the next
    // restart: refuse them while that lasts. One stat per write (rare next to reads, and
    // a login costs an Argon2 hash anyway) closes the window the periodic check leaves.
    if (may_write_database(request)) {
      if (const auto state = context_.db_file.check(); state != database_file_state::ok) {
        respond(database_unavailable(context_.db_file.reason(state), api));
        return;
      }
    }
    if (api) {
      handle_api(context_, request, who, respond);
    } else if (request.path == "/chat/origin/") {
      handle_origin_check(context_, request, respond);
    } else if (request.path == "/metrics") {
      handle_metrics(context_, request, who, respond);
    } else if (starts_with(request.path, "/accounts/")) {
      handle_account_pages(context_, request, who, respond);
    } else if (!handle_plain_pages(context_, request, who, respond)) {
      respond(message_page(404, "Not Found", "The requested page does not exist."));
    }
  } catch (const std::exception& e) {
    log->error("{} {} failed: {}", net::log_text(request.method, 16), net::log_text(request.path),
               e.what());
    respond(message_page(500, "Server Error", "The server could not answer this request."));
  }
}

net::http_response render_page(const site_context& site, const visitor& who, std::string_view asset,
                               std::string_view fallback,
                               const std::map<std::string, std::string, std::less<>>& extra) {
  std::string csrf = expected_csrf_token(who);
  if (csrf.empty()) csrf = whisper::random_token(16);
  const bool new_token = csrf != who.csrf_cookie;
  template_values values = extra;
  values["csrf_token"] = csrf;
  values["username"] = who.user ? who.user->username : "";
  values["name"] = who.user ? who.user->name : "";
  values["is_staff"] = who.user && who.user->is_staff ? "true" : "false";
  values["cookie_name"] = site.config.cookie_name;
  const web_asset* page = find_web_asset(asset);
  auto response = html_response(200, render_template(page ? page->body : fallback, values));
  if (new_token) response.headers.emplace_back("Set-Cookie", csrf_set_cookie(who, csrf));
  return response;
}

std::string expected_csrf_token(const visitor& who) {
  if (!who.session_id.empty()) return session_csrf_token(who.session_id);
  return who.csrf_cookie;
}

std::string csrf_set_cookie(const visitor& who, const std::string& token) {
  // Not HttpOnly: the pages' scripts read it to send X-CSRFToken (as Django's).
  cookie_options options;
  options.http_only = false;
  options.secure = who.secure;
  options.max_age = 365LL * 24 * 3600;
  return set_cookie_value(csrf_cookie_name, token, options);
}

}  // namespace whisper_server
