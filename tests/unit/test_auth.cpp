// Request fields, cookies, the session-cookie authenticator and the staff-only policy.
#include <doctest/doctest.h>

#include "whisper/auth.hpp"
#include "whisper/memory_stores.hpp"
#include "whisper/percent_encoding.hpp"

using namespace whisper;

TEST_CASE("request headers are found case-insensitively, the first one wins") {
  request h;
  h.headers = {{"host", "a.example"}, {"x-forwarded-for", "1.2.3.4"}, {"host", "b"}};
  CHECK(h.header("Host") == "a.example");
  CHECK(h.header("X-FORWARDED-FOR") == "1.2.3.4");
  CHECK_FALSE(h.header("origin"));
}

TEST_CASE("query parameters are percent-decoded") {
  request h;
  h.query = "a=1&token=ab%2Fc%3D%3D&sp=x+y&empty=&flag&bad=%zz";
  CHECK(h.query_param("a") == "1");
  CHECK(h.query_param("token") == "ab/c==");
  CHECK(h.query_param("sp") == "x y");
  CHECK(h.query_param("empty") == "");
  CHECK(h.query_param("flag") == "");
  CHECK(h.query_param("bad") == "%zz");
  CHECK_FALSE(h.query_param("missing"));
}

TEST_CASE("form_decode reads escapes and '+', and keeps a stray '%' as it is") {
  CHECK(form_decode("a%41+b%2b") == "aA b+");
  CHECK(form_decode("100%") == "100%");
  CHECK(form_decode("%4") == "%4");
  CHECK(form_decode("%zz%20") == "%zz ");
}

TEST_CASE("cookies parse from a Cookie header, skipping malformed pairs") {
  auto c = parse_cookies(R"(sessionid=abc; csrftoken = xyz ;junk; =novalue; q="quoted")");
  CHECK(c.size() == 3);
  CHECK(c["sessionid"] == "abc");
  CHECK(c["csrftoken"] == "xyz");
  CHECK(c["q"] == "quoted");
}

TEST_CASE("of duplicate cookie names the first wins") {
  auto c = parse_cookies("a=1; a=2");
  CHECK(c["a"] == "1");
  CHECK(parse_cookies("").empty());
}

namespace {

struct auth_fixture {
  memory_session_store sessions;
  memory_user_store users;
  authenticator auth = session_cookie_authenticator(sessions, users);
  user alice = users.create(user{0, "alice", "Alice", false, true}, "");

  request with_cookie(const std::string& value, const std::string& name = "sessionid") {
    request h;
    h.path = "/chat/stream/";
    h.cookies[name] = value;
    return h;
  }
};

}  // namespace

TEST_CASE_FIXTURE(auth_fixture, "a live session of an active user is accepted") {
  const std::string sid = sessions.create(alice.id, std::chrono::hours(1));
  auth_result r = auth(with_cookie(sid));
  REQUIRE(r);
  CHECK(r.who->username == "alice");
}

TEST_CASE_FIXTURE(auth_fixture, "the cookies are parsed once, from every Cookie header") {
  const std::string sid = sessions.create(alice.id, std::chrono::hours(1));
  request h;
  h.headers = {{"cookie", "other=1; sessionid=" + sid}, {"cookie", "sessionid=late; more=2"}};
  CHECK_FALSE(auth(h));  // the authenticator reads only what the transport parsed
  parse_request_cookies(h);
  CHECK(h.cookie("sessionid") == sid);  // the first of a name wins
  CHECK(h.cookie("more") == "2");
  CHECK(auth(h));
}

TEST_CASE_FIXTURE(auth_fixture, "no cookie is refused with 403") {
  auth_result r = auth(request{});
  CHECK_FALSE(r);
  CHECK(r.status == 403);
  CHECK_FALSE(r.reason.empty());
}

TEST_CASE_FIXTURE(auth_fixture, "an unknown session is refused without echoing the cookie") {
  auth_result r = auth(with_cookie("deadbeefsecret"));
  CHECK_FALSE(r);
  CHECK(r.status == 403);
  CHECK(r.reason.find("deadbeefsecret") == std::string::npos);
}

TEST_CASE("an expired session is refused") {
  auto now = std::chrono::system_clock::time_point(std::chrono::hours(10));
  memory_session_store sessions([&] { return now; });
  memory_user_store users;
  user u = users.create(user{0, "u", "", false, true}, "");
  auto auth = session_cookie_authenticator(sessions, users);
  request h;
  h.cookies["sessionid"] = sessions.create(u.id, std::chrono::seconds(10));
  CHECK(auth(h));
  now += std::chrono::seconds(10);
  CHECK_FALSE(auth(h));
}

TEST_CASE_FIXTURE(auth_fixture, "a session whose user was deleted or disabled is refused") {
  const std::string sid = sessions.create(alice.id, std::chrono::hours(1));
  alice.is_active = false;
  users.update(alice);
  CHECK_FALSE(auth(with_cookie(sid)));
  users.remove(alice.id);
  CHECK_FALSE(auth(with_cookie(sid)));
}

TEST_CASE_FIXTURE(auth_fixture, "the cookie name is configurable") {
  auto custom = session_cookie_authenticator(sessions, users, "chat_sid");
  const std::string sid = sessions.create(alice.id, std::chrono::hours(1));
  CHECK(custom(with_cookie(sid, "chat_sid")));
  CHECK_FALSE(custom(with_cookie(sid, "sessionid")));
}

TEST_CASE("staff-only rooms refuse non-staff and admit staff; open rooms admit all") {
  room_policy policy = staff_only_policy();
  const user plain{1, "u", "", false, true};
  const user staff{2, "s", "", true, true};
  const room open{1, "Lobby", false};
  const room closed{2, "Staff", true};
  CHECK(policy(plain, closed) == error_code::room_access_denied);
  CHECK_FALSE(policy(staff, closed));
  CHECK_FALSE(policy(plain, open));
  CHECK_FALSE(policy(staff, open));
}

TEST_CASE("auth_result accept and refuse") {
  auth_result yes = auth_result::accept(user{3, "x", "", false, true});
  CHECK(yes);
  CHECK(yes.who->id == 3);
  auth_result no = auth_result::refuse("banned", 401);
  CHECK_FALSE(no);
  CHECK(no.status == 401);
  CHECK(no.reason == "banned");
}

namespace {

// An embedder that keeps accounts elsewhere implements only what the core reads.
struct one_session final : session_lookup {
  std::optional<user_id> lookup(std::string_view id) override {
    return id == "s3cret" ? std::optional<user_id>(7) : std::nullopt;
  }
};
struct one_user final : user_lookup {
  std::optional<user> find(user_id id) override {
    if (id != 7) return std::nullopt;
    return user{7, "seven", "Seven", false, true};
  }
};

}  // namespace

TEST_CASE("the session cookie authenticator needs only the two lookups") {
  one_session sessions;
  one_user users;
  const authenticator auth = session_cookie_authenticator(sessions, users);
  request h;
  h.cookies["sessionid"] = "s3cret";
  const auth_result ok = auth(h);
  REQUIRE(ok);
  CHECK(ok.who->username == "seven");
  h.cookies["sessionid"] = "other";
  CHECK_FALSE(auth(h));
}
