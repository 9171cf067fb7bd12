// JSON helpers and the API's entry point: authentication and the /api/me route.
#include "http/api_common.hpp"

#include <charconv>

namespace whisper_server {

std::optional<boost::json::object> json_body(const whisper::request& request) {
  boost::system::error_code error;
  // Small limits: API bodies are tiny objects; refuse deep or huge documents early.
  boost::json::parse_options options;
  options.max_depth = 8;
  auto value = boost::json::parse(request.body, error, {}, options);
  if (error || !value.is_object()) return std::nullopt;
  // Moves the object out of `value` (a member, not a local: copy elision cannot apply).
  // cppcheck-suppress returnStdMoveLocal
  return std::move(value.as_object());
}

boost::json::object room_json(const whisper::room& r) {
  return {{"id", r.id}, {"title", r.title}, {"staff_only", r.staff_only}};
}

boost::json::object user_json(const whisper::user& u, bool with_flags) {
  boost::json::object out{
      {"id", u.id}, {"username", u.username}, {"name", u.name}, {"is_staff", u.is_staff}};
  if (with_flags) out["is_active"] = u.is_active;
  return out;
}

net::http_response json_value_response(int status, const boost::json::value& value) {
  return json_response(status, boost::json::serialize(value));
}

net::http_response bad_request(std::string_view message) {
  return json_error(400, "BAD_REQUEST", message);
}

net::http_response not_found(std::string_view what) {
  return json_error(404, "NOT_FOUND", std::string(what) + " not found.");
}

bool_field get_bool(const boost::json::object& body, std::string_view name) {
  bool_field field;
  if (auto it = body.find(name); it != body.end()) {
    if (it->value().is_bool()) {
      field.value = it->value().as_bool();
    } else {
      field.ok = false;
    }
  }
  return field;
}

string_field get_string(const boost::json::object& body, std::string_view name) {
  string_field field;
  if (auto it = body.find(name); it != body.end()) {
    if (it->value().is_string()) {
      field.value = std::string(it->value().as_string());
    } else {
      field.ok = false;
    }
  }
  return field;
}

std::optional<std::int64_t> path_id(std::string_view path, std::string_view prefix,
                                    std::string_view& rest) {
  if (path.substr(0, prefix.size()) != prefix) return std::nullopt;
  path.remove_prefix(prefix.size());
  std::int64_t id = 0;
  auto [end, error] = std::from_chars(path.data(), path.data() + path.size(), id);
  if (error != std::errc{} || end == path.data() || id <= 0) return std::nullopt;
  rest = path.substr(static_cast<std::size_t>(end - path.data()));
  return id;
}

void handle_api(const site_context& site, whisper::request& request, const visitor& who,
                const net::http_responder& respond) {
  if (!who.user) {
    respond(json_error(401, "UNAUTHORIZED", "Log in or send the API token."));
    return;
  }
  const std::string_view path = request.path;
  if (path == "/api/me" || path == "/api/me/") {
    if (request.method != "GET") {
      respond(json_error(405, "METHOD_NOT_ALLOWED", "Use GET."));
      return;
    }
    respond(json_value_response(200, user_json(*who.user, false)));
  } else if (path.rfind("/api/rooms", 0) == 0) {
    handle_room_api(site, request, who, respond);
  } else if (path.rfind("/api/users", 0) == 0) {
    handle_user_api(site, request, who, respond);
  } else {
    respond(not_found("API route"));
  }
}

}  // namespace whisper_server
