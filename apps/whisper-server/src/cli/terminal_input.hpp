// Reading usernames and passwords for the management commands: from the terminal
// (password without echo), from stdin when piped, or from WHISPER_PASSWORD.
#pragma once

#include <stdexcept>
#include <string>

namespace whisper_server {

/// A password could not be obtained (mismatch, empty, no input); one sentence.
class input_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// True when stdin is a terminal.
bool stdin_is_terminal();

/// Prints `prompt` on stderr and reads one line from stdin (without the newline).
/// Throws input_error at end of input.
std::string prompt_line(const std::string& prompt);

/// The new password for a command: WHISPER_PASSWORD if set; else with no_input (or
/// stdin not a terminal) the first line of stdin; else asked twice on the terminal
/// without echo. Throws input_error if empty or the two entries differ.
std::string obtain_new_password(bool no_input);

}  // namespace whisper_server
