// termios echo control for password prompts.
#include "cli/terminal_input.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace whisper_server {
namespace {

// Turns terminal echo off for its lifetime (restored even if reading throws).
class echo_off {
 public:
  echo_off() {
    if (::tcgetattr(STDIN_FILENO, &saved_) == 0) {
      termios quiet = saved_;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      // TCSANOW, not TCSAFLUSH: a line typed ahead must not be thrown away.
      active_ = ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0;
    }
  }
  ~echo_off() {
    if (active_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }
  echo_off(const echo_off&) = delete;
  echo_off& operator=(const echo_off&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

std::string read_stdin_line() {
  std::string line;
  if (!std::getline(std::cin, line)) throw input_error("no input on stdin");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string prompt_hidden(const std::string& prompt) {
  std::string line;
  {
    // Echo goes off before the prompt shows, so nothing typed after it is echoed.
    echo_off quiet;
    std::cerr << prompt << std::flush;
    line = read_stdin_line();
  }
  std::cerr << '\n';
  return line;
}

}  // namespace

bool stdin_is_terminal() {
  return ::isatty(STDIN_FILENO) == 1;
}

std::string prompt_line(const std::string& prompt) {
  std::cerr << prompt << std::flush;
  return read_stdin_line();
}

std::string obtain_new_password(bool no_input) {
  if (const char* env = std::getenv("WHISPER_PASSWORD")) {
    if (*env == '\0') throw input_error("WHISPER_PASSWORD is set but empty");
    return env;
  }
  if (no_input || !stdin_is_terminal()) {
    std::string password;
    try {
      password = read_stdin_line();
    } catch (const input_error&) {
      throw input_error("no password given: set WHISPER_PASSWORD or write it on stdin");
    }
    if (password.empty()) throw input_error("the password must not be empty");
    return password;
  }
  std::string first = prompt_hidden("Password: ");
  const std::string second = prompt_hidden("Password (again): ");
  if (first != second) throw input_error("the two passwords did not match");
  if (first.empty()) throw input_error("the password must not be empty");
  return first;
}

}  // namespace whisper_server
