// The one rule for a room's title, checked by the JSON API and the createroom command.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace whisper_server {

/// The most characters (Unicode code points) a room title may have. The admin form's
/// maxlength is the same number; it counts UTF-16 units, never fewer than code points,
/// so whatever the form lets through is accepted here.
inline constexpr std::size_t max_room_title_chars = 200;

/// Why `title` cannot name a room, as a sentence naming the limit ("" if it can): empty,
/// not UTF-8, or longer than max_room_title_chars.
std::string room_title_problem(std::string_view title);

}  // namespace whisper_server
