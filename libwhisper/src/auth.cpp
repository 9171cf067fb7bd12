// The default auth policy: session-cookie authentication and the staff-only rule.
#include "whisper/auth.hpp"

namespace whisper {

auth_result auth_result::accept(user u, std::string session) {
  auth_result r;
  r.who = std::move(u);
  r.session = std::move(session);
  r.status = 200;
  return r;
}

auth_result auth_result::refuse(std::string reason, int status) {
  auth_result r;
  r.status = status;
  r.reason = std::move(reason);
  return r;
}

authenticator session_cookie_authenticator(session_lookup& sessions, user_lookup& users,
                                           std::string cookie_name) {
  return [&sessions, &users, name = std::move(cookie_name)](const request& r) {
    const std::optional<std::string_view> value = r.cookie(name);
    // Reasons go to the server log: they never quote the cookie (it is a credential).
    if (!value || value->empty()) return auth_result::refuse("no session cookie");
    const std::optional<user_id> id = sessions.lookup(*value);
    if (!id) return auth_result::refuse("unknown or expired session");
    std::optional<user> who = users.find(*id);
    if (!who) return auth_result::refuse("session names a user that does not exist");
    if (!who->is_active) return auth_result::refuse("user is inactive");
    return auth_result::accept(std::move(*who), session_tag(*value));
  };
}

room_policy staff_only_policy() {
  return [](const user& u, const room& r) -> std::optional<error_code> {
    if (r.staff_only && !u.is_staff) return error_code::room_access_denied;
    return std::nullopt;
  };
}

}  // namespace whisper
