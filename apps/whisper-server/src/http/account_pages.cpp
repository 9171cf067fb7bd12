// /accounts/login/, /accounts/logout/, /accounts/signup/: Django-style account pages.
// Argon2 runs on the password worker; the answer is sent from there.
#include <spdlog/spdlog.h>

#include "http/csrf_token.hpp"
#include "http/http_util.hpp"
#include "http/site.hpp"
#include "whisper/account_stores.hpp"
#include "whisper/password.hpp"

namespace whisper_server {
namespace {

constexpr std::string_view kLoginFallback =
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Log in</title></head>"
    "<body><p>{{error}}</p><form method=\"post\" action=\"/accounts/login/\">"
    "<input type=\"hidden\" name=\"csrfmiddlewaretoken\" value=\"{{csrf_token}}\">"
    "<input type=\"hidden\" name=\"next\" value=\"{{next}}\">"
    "<input name=\"username\"><input type=\"password\" name=\"password\">"
    "<button>Log in</button></form></body></html>";
constexpr std::string_view kSignupFallback =
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign up</title></head>"
    "<body><p>{{error}}</p><form method=\"post\" action=\"/accounts/signup/\">"
    "<input type=\"hidden\" name=\"csrfmiddlewaretoken\" value=\"{{csrf_token}}\">"
    "<input name=\"username\"><input name=\"name\"><input type=\"password\" name=\"password1\">"
    "<input type=\"password\" name=\"password2\"><button>Sign up</button></form></body></html>";
// The confirmation GET /accounts/logout/ shows (the page is the web asset logout.html).
// The original's Logout is a plain link, but logging out on GET would let any other site
// log a visitor out (Django's LogoutView accepts only POST since 5.0), so the link lands
// here and the button POSTs with the CSRF token.
constexpr std::string_view kLogoutFallback =
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Log out</title></head>"
    "<body><h1>Log out?</h1><form method=\"post\" action=\"/accounts/logout/\">"
    "<input type=\"hidden\" name=\"csrfmiddlewaretoken\" value=\"{{csrf_token}}\">"
    "<button>Log out</button></form><a href=\"/\">Cancel</a></body></html>";
constexpr std::string_view kLoginError = "Please enter a correct username and password.";
constexpr std::string_view kThrottledError =
    "Too many failed login attempts. Try again in a minute.";

net::http_response busy() {
  auto response = message_page(503, "Busy", "Too many logins at once; please try again.");
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

// The Set-Cookie header of a new session (rotated: always a fresh id).
std::string session_cookie(const site_context& site, const visitor& who, const std::string& id) {
  cookie_options options;
  options.secure = who.secure;
  options.max_age = site.config.session_lifetime.count();
  return set_cookie_value(site.config.cookie_name, id, options);
}

// Logs `user` in: ends the visitor's previous session, starts a new one, redirects.
net::http_response start_session(const site_context& site, const visitor& who,
                                 const whisper::user& user, const std::string& next) {
  if (!who.session_id.empty()) {
    site.sessions.remove(who.session_id);
    if (who.user) site.hub.end_session(who.user->id, whisper::session_tag(who.session_id));
  }
  const std::string id = site.sessions.create(user.id, site.config.session_lifetime);
  auto response = redirect_response(safe_redirect_target(next));
  response.headers.emplace_back("Set-Cookie", session_cookie(site, who, id));
  // The CSRF token rotates with the session and is bound to it: one planted before the
  // login is worthless after it.
  response.headers.emplace_back("Set-Cookie", csrf_set_cookie(who, session_csrf_token(id)));
  site.log->info("login: user {} (id {})", user.username, user.id);
  return response;
}

// Checks the password on the worker thread. Unknown or inactive users are verified
// against the dummy hash, so every failure costs the same and says the same.
void check_login(const site_context& site, const visitor& who, const std::string& username,
                 const std::string& password, const std::string& next, const std::string& ip,
                 const net::http_responder& respond) {
  try {
    auto user = site.users.find_by_username(username);
    std::string hash = user ? site.users.password_hash(user->id).value_or("") : "";
    if (hash.empty()) hash = site.dummy_hash;
    const bool matches = whisper::verify_password(password, hash);
    if (user && user->is_active && matches && hash != site.dummy_hash) {
      site.throttle.record_success(username);
      site.metrics.logins_ok.fetch_add(1, std::memory_order_relaxed);
      respond(start_session(site, who, *user, next));
      return;
    }
    // Unknown users count too: the throttle must not tell which names exist.
    site.throttle.record_failure(username, ip, login_throttle::clock::now());
    site.metrics.logins_failed.fetch_add(1, std::memory_order_relaxed);
    site.log->info("failed login for a username of {} bytes from {}", username.size(), ip);
    auto page = render_page(site, who, "login.html", kLoginFallback,
                            {{"error", std::string(kLoginError)}, {"next", next}});
    respond(std::move(page));
  } catch (const std::exception& e) {
    site.log->error("login failed: {}", e.what());
    respond(message_page(500, "Server Error", "The server could not log you in."));
  }
}

void login(const site_context& site, whisper::request& request, const visitor& who,
           const net::http_responder& respond) {
  if (request.method == "GET") {
    const std::string next = form_value(parse_form(request.query), "next");
    respond(render_page(site, who, "login.html", kLoginFallback, {{"next", next}}));
    return;
  }
  auto form = parse_form(request.body);
  std::string next = form_value(form, "next");
  if (next.empty()) next = form_value(parse_form(request.query), "next");
  std::string username = form_value(form, "username");
  if (!site.throttle.allowed(username, request.remote_address, login_throttle::clock::now())) {
    // Cheap rejection: no Argon2, so a guessing client cannot buy CPU with requests.
    site.metrics.logins_throttled.fetch_add(1, std::memory_order_relaxed);
    site.log->info("throttled login for a username of {} bytes from {}", username.size(),
                   request.remote_address);
    auto page = render_page(site, who, "login.html", kLoginFallback,
                            {{"error", std::string(kThrottledError)}, {"next", next}});
    page.status = 429;
    page.headers.emplace_back("Retry-After", "60");
    respond(std::move(page));
    return;
  }
  auto job = [&site, who, username = std::move(username), password = form_value(form, "password"),
              next, ip = request.remote_address,
              respond]() mutable { check_login(site, who, username, password, next, ip, respond); };
  if (!site.passwords.try_post(std::move(job))) respond(busy());
}

// GET: the confirmation page; nobody to log out (or only the API token): the login page.
void confirm_logout(const site_context& site, const visitor& who,
                    const net::http_responder& respond) {
  if (!who.user || who.via_api_token) {
    respond(redirect_response("/accounts/login/"));
    return;
  }
  respond(render_page(site, who, "logout.html", kLogoutFallback));
}

void logout(const site_context& site, const visitor& who, const net::http_responder& respond) {
  if (!who.session_id.empty()) {
    site.sessions.remove(who.session_id);
    // The WebSockets this session opened end with it (in every process).
    if (who.user) site.hub.end_session(who.user->id, whisper::session_tag(who.session_id));
    site.log->info("logout: user {}", who.user ? who.user->username : "");
  }
  auto response = redirect_response("/accounts/login/");
  cookie_options expired;
  expired.secure = who.secure;
  expired.max_age = 0;
  response.headers.emplace_back("Set-Cookie",
                                set_cookie_value(site.config.cookie_name, "", expired));
  respond(std::move(response));
}

void signup(const site_context& site, whisper::request& request, const visitor& who,
            const net::http_responder& respond) {
  if (request.method == "GET") {
    respond(render_page(site, who, "signup.html", kSignupFallback));
    return;
  }
  auto form = parse_form(request.body);
  whisper::user wanted;
  wanted.username = form_value(form, "username");
  wanted.name = form_value(form, "name");
  const std::string password = form_value(form, "password1");
  std::string error;
  if (!valid_username(wanted.username)) {
    error = "Enter a valid username: letters, digits and @.+-_ only, at most 150 characters.";
  } else if (password.empty() || password != form_value(form, "password2")) {
    error = "The two password fields must match and must not be empty.";
  }
  if (!error.empty()) {
    respond(render_page(site, who, "signup.html", kSignupFallback, {{"error", error}}));
    return;
  }
  auto job = [&site, who, wanted, password, respond] {
    try {
      const auto created =
          site.users.create(wanted, whisper::hash_password(password, site.config.argon2));
      respond(start_session(site, who, created, "/"));
    } catch (const whisper::duplicate_username&) {
      respond(render_page(site, who, "signup.html", kSignupFallback,
                          {{"error", "A user with that username already exists."}}));
    } catch (const std::exception& e) {
      site.log->error("signup failed: {}", e.what());
      respond(message_page(500, "Server Error", "The server could not create the account."));
    }
  };
  if (!site.passwords.try_post(std::move(job))) respond(busy());
}

}  // namespace

bool valid_username(std::string_view name) {
  if (name.empty() || name.size() > 150) return false;
  for (char ch : name) {
    const bool ok = std::isalnum(static_cast<unsigned char>(ch)) || ch == '@' || ch == '.' ||
                    ch == '+' || ch == '-' || ch == '_';
    if (!ok) return false;
  }
  return true;
}

void handle_account_pages(const site_context& site, whisper::request& request, const visitor& who,
                          const net::http_responder& respond) {
  const bool get = request.method == "GET" || request.method == "HEAD";
  const bool post = request.method == "POST";
  if (request.path == "/accounts/login/" && (get || post)) {
    login(site, request, who, respond);
  } else if (request.path == "/accounts/logout/" && post) {
    logout(site, who, respond);
  } else if (request.path == "/accounts/signup/" && site.config.signup_enabled && (get || post)) {
    signup(site, request, who, respond);
  } else if (request.path == "/accounts/logout/" && get) {
    confirm_logout(site, who, respond);
  } else {
    respond(message_page(404, "Not Found", "The requested page does not exist."));
  }
}

}  // namespace whisper_server
