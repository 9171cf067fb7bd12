// Decodes each inbound frame once and runs the handler its "command" names. The built-in
// commands are the original's four: join, leave, send, room_users.
#include "whisper/dispatcher.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <exception>

#include "whisper/consumer.hpp"

namespace whisper {

namespace json = boost::json;

namespace {

void join_command(consumer& self, const json::object& command) {
  if (auto room = command_room(self, command)) self.join(*room);
}

void leave_command(consumer& self, const json::object& command) {
  if (auto room = command_room(self, command)) self.leave(*room);
}

void send_command(consumer& self, const json::object& command) {
  auto room = command_room(self, command);
  if (!room) return;
  const json::value* message = command.if_contains("message");
  if (!message || !message->is_string()) {
    self.queue_error(error_code::bad_request, *room, "\"message\" must be a string");
    return;
  }
  const json::string& text = message->get_string();
  self.say(*room, std::string_view(text.data(), text.size()));
}

void room_users_command(consumer& self, const json::object& command) {
  if (auto room = command_room(self, command)) self.list_users(*room);
}

}  // namespace

dispatcher::dispatcher() {
  add("join", join_command);
  add("leave", leave_command);
  add("send", send_command);
  add("room_users", room_users_command);
}

void dispatcher::add(std::string name, command_handler handler) {
  handlers_[std::move(name)] = std::move(handler);
}

void dispatcher::dispatch(consumer& self, std::string_view frame, const limits& lim) const {
  // Default (heap) storage on purpose: an arena would make any copy of `command` that a
  // handler keeps (e.g. to finish the work on another thread) dangle once we return.
  // Inbound frames are rate limited, so these few allocations are not the hot path.
  json::parse_options options;
  options.max_depth = lim.max_json_depth;
  json::error_code ec;
  json::value parsed =
      json::parse(json::string_view(frame.data(), frame.size()), ec, json::storage_ptr(), options);
  if (ec || !parsed.is_object()) {
    self.queue_error(error_code::bad_request, std::nullopt, "expected a JSON object");
    return;
  }
  const json::object& command = parsed.get_object();
  const json::value* name = command.if_contains("command");
  if (!name || !name->is_string()) {
    self.queue_error(error_code::bad_request, std::nullopt, "\"command\" must be a string");
    return;
  }
  const json::string& spelled = name->get_string();
  auto handler = handlers_.find(std::string_view(spelled.data(), spelled.size()));
  if (handler == handlers_.end()) {
    self.queue_error(error_code::bad_request, std::nullopt, "unknown command");
    return;
  }
  try {
    handler->second(self, command);
  } catch (const std::exception&) {
    // An embedder's handler failed on this input: answer as a client error and keep
    // the connection. The exception text is not echoed (it may hold internal detail).
    self.queue_error(error_code::bad_request);
  }
}

std::optional<long long> command_room(consumer& self, const json::object& command) {
  const json::value* room = command.if_contains("room");
  if (!room) {
    self.queue_error(error_code::bad_request, std::nullopt, "\"room\" is missing");
    return std::nullopt;
  }
  if (room->is_int64()) return room->get_int64();
  if (room->is_uint64()) {
    self.queue_error(error_code::room_invalid);  // too big for any room id
    return std::nullopt;
  }
  if (room->is_string()) {
    const json::string& text = room->get_string();
    if (auto id = parse_room_id(std::string_view(text.data(), text.size()))) return *id;
  }
  self.queue_error(error_code::room_invalid);
  return std::nullopt;
}

}  // namespace whisper
