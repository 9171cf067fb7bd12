// /api/users (staff only): list, create, change, delete accounts. Password hashing runs
// on the password worker; disabling or deleting an account ends its sessions and closes
// its sockets in every process.
#include <spdlog/spdlog.h>

#include "http/api_common.hpp"
#include "whisper/password.hpp"

namespace whisper_server {
namespace {

net::http_response busy() {
  auto response = json_error(503, "BUSY", "Too many password operations at once; retry.");
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

// Runs `work` (which hashes) on the password worker and answers from there.
void on_worker(const site_context& site, const net::http_responder& respond,
               std::function<net::http_response()> work) {
  auto job = [&site, respond, work = std::move(work)] {
    try {
      respond(work());
    } catch (const whisper::duplicate_username&) {
      respond(json_error(409, "DUPLICATE_USERNAME", "A user with that username already exists."));
    } catch (const std::exception& e) {
      site.log->error("user API failed: {}", e.what());
      respond(json_error(500, "SERVER_ERROR", "The server could not complete the request."));
    }
  };
  if (!site.passwords.try_post(std::move(job))) respond(busy());
}

void create_user(const site_context& site, const whisper::request& request,
                 const net::http_responder& respond) {
  auto body = json_body(request);
  if (!body) return respond(bad_request("The body must be a JSON object."));
  auto username = get_string(*body, "username");
  auto name = get_string(*body, "name");
  auto password = get_string(*body, "password");
  auto is_staff = get_bool(*body, "is_staff");
  auto is_active = get_bool(*body, "is_active");
  if (!username.ok || !username.value || !valid_username(*username.value)) {
    return respond(
        bad_request("\"username\": letters, digits and @.+-_ only, 1 to 150 characters."));
  }
  if (!password.ok || !password.value || password.value->empty()) {
    return respond(bad_request("\"password\" must be a non-empty string."));
  }
  if (!name.ok || !is_staff.ok || !is_active.ok) {
    return respond(
        bad_request("\"name\" must be a string, \"is_staff\" and \"is_active\" booleans."));
  }
  if (site.users.find_by_username(*username.value)) {
    return respond(
        json_error(409, "DUPLICATE_USERNAME", "A user with that username already exists."));
  }
  whisper::user wanted{0, *username.value, name.value.value_or(""), is_staff.value.value_or(false),
                       is_active.value.value_or(true)};
  on_worker(site, respond, [&site, wanted, secret = *password.value] {
    const auto created =
        site.users.create(wanted, whisper::hash_password(secret, site.config.argon2));
    site.log->info("user {} created (id {})", created.username, created.id);
    return json_value_response(201, user_json(created, true));
  });
}

void update_user(const site_context& site, const whisper::request& request, whisper::user_id id,
                 const net::http_responder& respond) {
  auto body = json_body(request);
  if (!body) return respond(bad_request("The body must be a JSON object."));
  auto name = get_string(*body, "name");
  auto password = get_string(*body, "password");
  auto is_staff = get_bool(*body, "is_staff");
  auto is_active = get_bool(*body, "is_active");
  if (!name.ok || !password.ok || !is_staff.ok || !is_active.ok ||
      (password.value && password.value->empty())) {
    return respond(
        bad_request("\"name\"/\"password\" must be non-empty strings, \"is_staff\" and "
                    "\"is_active\" booleans."));
  }
  auto current = site.users.find(id);
  if (!current) return respond(not_found("User"));
  const bool deactivated = current->is_active && is_active.value == false;
  if (name.value) current->name = *name.value;
  if (is_staff.value) current->is_staff = *is_staff.value;
  if (is_active.value) current->is_active = *is_active.value;
  auto apply = [&site, updated = *current, deactivated, new_password = password.value] {
    if (new_password) {
      site.users.set_password_hash(updated.id,
                                   whisper::hash_password(*new_password, site.config.argon2));
    }
    if (!site.users.update(updated)) return not_found("User");
    if (deactivated || new_password) site.sessions.remove_user(updated.id);
    // Open WebSockets follow the account at once, in every process: a new password ends
    // every session (so every connection); otherwise each connection re-checks its rooms
    // against the new flags (a demoted staff member leaves the staff-only rooms).
    if (new_password && !deactivated) {
      site.hub.disconnect_user(updated.id, whisper::close_code::policy_violation,
                               "password changed");
    } else {
      site.hub.update_user(updated);
    }
    site.log->info("user {} updated", updated.username);
    return json_value_response(200, user_json(updated, true));
  };
  if (password.value) {
    on_worker(site, respond, std::move(apply));
  } else {
    respond(apply());
  }
}

void delete_user(const site_context& site, whisper::user_id id,
                 const net::http_responder& respond) {
  // Sessions first: their cache entries must go too, not only the rows the cascade drops.
  site.sessions.remove_user(id);
  if (!site.users.remove(id)) return respond(not_found("User"));
  site.hub.disconnect_user(id, whisper::close_code::policy_violation, "account deleted");
  site.log->info("user {} deleted", id);
  respond(no_content_response());
}

}  // namespace

void handle_user_api(const site_context& site, whisper::request& request, const visitor& who,
                     const net::http_responder& respond) {
  if (!who.user->is_staff) {
    return respond(json_error(403, "FORBIDDEN", "This needs a staff user or the API token."));
  }
  const std::string& method = request.method;
  if (request.path == "/api/users" || request.path == "/api/users/") {
    if (method == "GET") {
      boost::json::array users;
      for (const auto& u : site.users.list()) users.push_back(user_json(u, true));
      return respond(json_value_response(200, users));
    }
    if (method == "POST") return create_user(site, request, respond);
    return respond(json_error(405, "METHOD_NOT_ALLOWED", "Use GET or POST."));
  }
  std::string_view rest;
  const auto id = path_id(request.path, "/api/users/", rest);
  if (!id || (!rest.empty() && rest != "/")) return respond(not_found("User"));
  if (method == "GET") {
    auto found = site.users.find(*id);
    return respond(found ? json_value_response(200, user_json(*found, true)) : not_found("User"));
  }
  if (method == "PATCH") return update_user(site, request, *id, respond);
  if (method == "DELETE") return delete_user(site, *id, respond);
  respond(json_error(405, "METHOD_NOT_ALLOWED", "Use GET, PATCH or DELETE."));
}

}  // namespace whisper_server
