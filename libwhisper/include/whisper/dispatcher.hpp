// The command dispatcher: decodes each text frame once, switches on "command", and
// calls its handler. join, leave, send and room_users are built in; embedders add
// their own.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "whisper/limits.hpp"

namespace whisper {

class consumer;

/// A command handler: `command` is the decoded frame (a JSON object whose "command"
/// field named this handler). Report client errors with consumer::queue_error().
using command_handler = std::function<void(consumer& self, const boost::json::object& command)>;

/// Thread safety: add() must happen before connections are served; dispatch() may then
/// run concurrently on any number of threads.
class dispatcher {
 public:
  /// With the built-in commands registered.
  dispatcher();

  /// Registers or replaces a command.
  void add(std::string name, command_handler handler);

  /// Decodes one frame and runs its handler. A frame that is not a JSON object (within
  /// limits::max_json_depth), has no string "command", or names an unknown command gets
  /// BAD_REQUEST.
  void dispatch(consumer& self, std::string_view frame, const limits& lim) const;

 private:
  std::map<std::string, command_handler, std::less<>> handlers_;
};

/// Reads the "room" field of a command: an integer or a numeric string. Sends
/// ROOM_INVALID (wrong type or not a number) or BAD_REQUEST (missing) and returns
/// nullopt when it cannot.
std::optional<long long> command_room(consumer& self, const boost::json::object& command);

}  // namespace whisper
