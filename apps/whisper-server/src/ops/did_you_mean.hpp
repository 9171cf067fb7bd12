// "Did you mean ...?" for names an operator typed: subcommands, config keys, WHISPER_*
// environment variables. A typo should be answered with the name that was meant.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace whisper_server {

/// The candidate closest to `typed` by edit distance (case-insensitive), if it is close
/// enough to be a typo (at most a third of its length, and at least 1, edits away).
std::optional<std::string> closest_name(const std::string& typed,
                                        const std::vector<std::string>& candidates);

/// " (did you mean 'NAME'?)" for the closest candidate, or "" when none is close.
std::string did_you_mean(const std::string& typed, const std::vector<std::string>& candidates);

}  // namespace whisper_server
