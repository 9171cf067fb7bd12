// /api/rooms: list (any user), create/rename/delete and server-side publish (staff).
#include <spdlog/spdlog.h>

#include "http/api_common.hpp"
#include "store/room_title.hpp"
#include "whisper/event.hpp"

namespace whisper_server {
namespace {

net::http_response forbidden() {
  return json_error(403, "FORBIDDEN", "This needs a staff user or the API token.");
}

net::http_response create_room(const site_context& site, const whisper::request& request) {
  auto body = json_body(request);
  if (!body) return bad_request("The body must be a JSON object.");
  auto title = get_string(*body, "title");
  auto staff_only = get_bool(*body, "staff_only");
  if (!title.ok || !title.value) return bad_request("\"title\" must be a string.");
  // The one limit (store/room_title.hpp), as the createroom command checks it.
  if (auto problem = room_title_problem(*title.value); !problem.empty()) {
    return bad_request(problem);
  }
  if (!staff_only.ok) return bad_request("\"staff_only\" must be true or false.");
  const auto created = site.rooms.create(*title.value, staff_only.value.value_or(false));
  site.log->info("room {} created: {}", created.id, created.title);
  return json_value_response(201, room_json(created));
}

net::http_response update_room(const site_context& site, const whisper::request& request,
                               whisper::room_id id) {
  auto body = json_body(request);
  if (!body) return bad_request("The body must be a JSON object.");
  auto title = get_string(*body, "title");
  auto staff_only = get_bool(*body, "staff_only");
  if (!title.ok) return bad_request("\"title\" must be a string.");
  if (auto problem = title.value ? room_title_problem(*title.value) : std::string();
      !problem.empty()) {
    return bad_request(problem);
  }
  if (!staff_only.ok) return bad_request("\"staff_only\" must be true or false.");
  auto current = site.rooms.find(id);
  if (!current) return not_found("Room");
  if (title.value) current->title = *title.value;
  if (staff_only.value) current->staff_only = *staff_only.value;
  if (!site.rooms.update(*current)) return not_found("Room");
  return json_value_response(200, room_json(*current));
}

net::http_response publish(const site_context& site, const whisper::request& request,
                           const visitor& who, whisper::room_id id) {
  auto body = json_body(request);
  if (!body) return bad_request("The body must be a JSON object.");
  auto kind = body->find("msg_type");
  if (kind == body->end() || !kind->value().is_int64() || kind->value().as_int64() < 0 ||
      kind->value().as_int64() > 3) {
    return bad_request("\"msg_type\" must be 0, 1, 2 or 3.");
  }
  auto message = get_string(*body, "message");
  auto username = get_string(*body, "username");
  if (!message.ok || !message.value) return bad_request("\"message\" must be a string.");
  if (message.value->size() > site.config.limits.max_message_bytes) {
    return json_error(400, "MESSAGE_TOO_LONG", "\"message\" is longer than max_message_bytes.");
  }
  if (!username.ok) return bad_request("\"username\" must be a string.");
  const auto type = static_cast<whisper::msg_type>(kind->value().as_int64());
  if (!site.hub.publish(id, type, username.value.value_or(who.user->username), *message.value)) {
    return not_found("Room");
  }
  return json_response(202, R"({"status":"accepted"})");
}

}  // namespace

void handle_room_api(const site_context& site, whisper::request& request, const visitor& who,
                     const net::http_responder& respond) {
  const std::string& method = request.method;
  const std::string_view path = request.path;
  const bool staff = who.user->is_staff;
  if (path == "/api/rooms" || path == "/api/rooms/") {
    if (method == "GET") {
      boost::json::array rooms;
      for (const auto& r : site.rooms.list()) rooms.push_back(room_json(r));
      respond(json_value_response(200, rooms));
    } else if (method == "POST") {
      respond(staff ? create_room(site, request) : forbidden());
    } else {
      respond(json_error(405, "METHOD_NOT_ALLOWED", "Use GET or POST."));
    }
    return;
  }
  std::string_view rest;
  const auto id = path_id(path, "/api/rooms/", rest);
  if (!id) {
    respond(not_found("Room"));
    return;
  }
  if (rest == "/messages" || rest == "/messages/") {
    if (method != "POST") {
      respond(json_error(405, "METHOD_NOT_ALLOWED", "Use POST."));
    } else {
      respond(staff ? publish(site, request, who, *id) : forbidden());
    }
    return;
  }
  if (!rest.empty() && rest != "/") {
    respond(not_found("API route"));
  } else if (method == "GET") {
    auto found = site.rooms.find(*id);
    respond(found ? json_value_response(200, room_json(*found)) : not_found("Room"));
  } else if (!staff) {
    respond(forbidden());
  } else if (method == "PATCH") {
    respond(update_room(site, request, *id));
  } else if (method == "DELETE") {
    if (!site.rooms.remove(*id)) {
      respond(not_found("Room"));
      return;
    }
    // Members are told and removed in every process; presence forgets the room.
    site.hub.delete_room(*id);
    site.log->info("room {} deleted", *id);
    respond(no_content_response());
  } else {
    respond(json_error(405, "METHOD_NOT_ALLOWED", "Use GET, PATCH or DELETE."));
  }
}

}  // namespace whisper_server
