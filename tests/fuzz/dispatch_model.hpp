// The protocol's expected answer to each well-formed command (PROTOCOL.md "Client ->
// server commands" and "Error codes"), for the dispatch fuzz target: commands are made
// from the fuzzer's bytes, and the replies the core gave are checked against the model.
#pragma once

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <string>

#include "dispatch_world.hpp"
#include "whisper/limits.hpp"
#include "whisper/room.hpp"

namespace whisper_fuzz {

/// How the "room" field of a command is spelled.
enum class room_form { integer, digits, missing, word, fractional };

/// A command and the frame that carries it.
struct planned_command {
  std::string command;  ///< join, leave, send or room_users
  room_form form = room_form::integer;
  whisper::room_id room = 0;
  std::string message;  ///< for send: valid UTF-8, any length around the limit
  std::string frame;    ///< the JSON text sent
};

planned_command plan_command(FuzzedDataProvider& p, const whisper::limits& lim);

/// Checks the replies of a command that was dispatched (not refused for size or rate).
void check_command(dispatch_world& w, std::size_t slot, const planned_command& plan,
                   const dispatch_world::memberships_t& before,
                   const dispatch_world::replies_t& replies);

}  // namespace whisper_fuzz
