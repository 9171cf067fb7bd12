// The CSRF token of a logged-in session, bound to it: derived from the session id.
#pragma once
#include <string>
#include <string_view>

namespace whisper_server {

/// The only CSRF token a session accepts: the first 32 hex digits of
/// SHA-256("whisper csrf\0" + session id). It changes with every login (the session id is
/// rotated), a csrftoken cookie planted by someone else never matches it, and it tells
/// nothing about the session id although page scripts can read it.
std::string session_csrf_token(std::string_view session_id);

}  // namespace whisper_server
