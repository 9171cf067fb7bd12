// The HTTP side of whisper-server: pages, accounts and the JSON API behind one handler
// that the transport calls for every non-WebSocket request.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "http/login_throttle.hpp"
#include "http/password_worker.hpp"
#include "net_namespace.hpp"
#include "ops/config.hpp"
#include "ops/server_metrics.hpp"
#include "store/database_file_guard.hpp"
#include "store/sqlite_db.hpp"
#include "store/sqlite_session_store.hpp"
#include "store/sqlite_user_store.hpp"
#include "whisper/account_stores.hpp"
#include "whisper/asio/http.hpp"
#include "whisper/auth.hpp"
#include "whisper/chat_hub.hpp"

namespace spdlog {
class logger;
}

namespace whisper_server {

/// What the handlers work with. Everything referenced must outlive the site.
///
/// Thread safety: read-only after construction; the referenced objects are thread-safe.
struct site_context {
  const server_config& config;
  database& db;
  sqlite_user_store& users;
  sqlite_session_store& sessions;
  whisper::room_directory& rooms;
  whisper::chat_hub& hub;
  password_worker& passwords;
  std::shared_ptr<spdlog::logger> log;
  /// A real Argon2id hash of nothing anyone knows: unknown usernames are verified
  /// against it, so they cost the same time as a wrong password.
  std::string dummy_hash;
  server_metrics& metrics;
  login_throttle& throttle;
  /// Whether `db` is still the file at config.database (writes are refused when not).
  database_file_guard& db_file;
  /// Who a page request's session cookie names: the very authenticator the transport
  /// runs for WebSocket upgrades.
  const whisper::authenticator& authenticate;
};

/// Who sent a request, as far as its cookies and Authorization header tell.
///
/// Thread safety: plain value type.
struct visitor {
  std::optional<whisper::user> user;  ///< logged-in active user (or the API token's)
  std::string session_id;             ///< the session cookie's value if it named a live one
  std::string csrf_cookie;            ///< the csrftoken cookie as sent (may be empty)
  bool via_api_token = false;         ///< authenticated by "Authorization: Bearer <api_token>"
  bool secure = false;                ///< cookies get the Secure attribute
};

/// The name of the CSRF cookie and of the form field carrying it (as Django's).
inline constexpr const char* csrf_cookie_name = "csrftoken";
inline constexpr const char* csrf_field_name = "csrfmiddlewaretoken";

/// The CSRF token this visitor's unsafe requests must carry: bound to the session when
/// logged in (session_csrf_token), else the csrftoken cookie (double submit, as before a
/// login). Empty when there is none yet.
std::string expected_csrf_token(const visitor& who);
/// The Set-Cookie value that hands the pages' scripts a CSRF token.
std::string csrf_set_cookie(const visitor& who, const std::string& token);

/// Django's username rule: letters, digits and @.+-_ only, 1 to 150 characters.
bool valid_username(std::string_view name);

/// Handlers of one route group. They may answer later, from another thread.
void handle_account_pages(const site_context& site, whisper::request& request, const visitor& who,
                          const net::http_responder& respond);
void handle_api(const site_context& site, whisper::request& request, const visitor& who,
                const net::http_responder& respond);
/// GET /, /admin/, /static/*, /healthz. False if the path is none of them.
bool handle_plain_pages(const site_context& site, const whisper::request& request,
                        const visitor& who, const net::http_responder& respond);

/// GET /chat/origin/?origin=...: whether the chat WebSocket accepts a page of that
/// origin, and which origin would be accepted instead (origin_check_page.cpp).
void handle_origin_check(const site_context& site, const whisper::request& request,
                         const net::http_responder& respond);

/// GET /metrics (Prometheus), access per config.metrics.
void handle_metrics(const site_context& site, const whisper::request& request, const visitor& who,
                    const net::http_responder& respond);
/// The metrics access rule: `mode` is config.metrics.
bool metrics_access_allowed(const std::string& mode, const std::string& remote_address,
                            bool via_api_token);

/// Renders an embedded page ("login.html") with the common values (csrf_token,
/// username, is_staff) plus `extra`, and sets the csrftoken cookie when the visitor's
/// differs from the token expected of it. `fallback` is used while the asset does not exist.
net::http_response render_page(const site_context& site, const visitor& who, std::string_view asset,
                               std::string_view fallback,
                               const std::map<std::string, std::string, std::less<>>& extra = {});

/// The routing entry point: resolves the visitor, enforces CSRF, dispatches.
///
/// Thread safety: handle() may be called concurrently from every network thread.
class site {
 public:
  explicit site(site_context context) : context_(std::move(context)) {}
  void handle(whisper::request&& request, net::http_responder respond) const;

 private:
  visitor identify(const whisper::request& request) const;
  site_context context_;
};

}  // namespace whisper_server
