// Shared pieces of the JSON API handlers (docs/api.md).
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string_view>

#include "http/http_util.hpp"
#include "http/site.hpp"

namespace whisper_server {

/// The parsed JSON object of a request body, or nullopt (the caller answers 400).
std::optional<boost::json::object> json_body(const whisper::request& request);

boost::json::object room_json(const whisper::room& r);
boost::json::object user_json(const whisper::user& u, bool with_flags);

net::http_response json_value_response(int status, const boost::json::value& value);
net::http_response bad_request(std::string_view message);
net::http_response not_found(std::string_view what);

/// An optional field of a given JSON kind: ok == false when present with the wrong type.
struct bool_field {
  bool ok = true;
  std::optional<bool> value;
};
struct string_field {
  bool ok = true;
  std::optional<std::string> value;
};
bool_field get_bool(const boost::json::object& body, std::string_view name);
string_field get_string(const boost::json::object& body, std::string_view name);

/// The id in "/api/rooms/<id>..." after `prefix`, with the rest of the path in `rest`.
std::optional<std::int64_t> path_id(std::string_view path, std::string_view prefix,
                                    std::string_view& rest);

/// Room and user routes (api_rooms.cpp, api_users.cpp). `who` is staff or a user.
void handle_room_api(const site_context& site, whisper::request& request, const visitor& who,
                     const net::http_responder& respond);
void handle_user_api(const site_context& site, whisper::request& request, const visitor& who,
                     const net::http_responder& respond);

}  // namespace whisper_server
