"""Login hardening against the real server: failed-login throttling per username and per
client IP (HTTP 429 without a password check), equal cost and message for unknown users
and wrong passwords, and session ids rotated at login."""
import statistics
import time

from whisper_fixture import PASSWORD, Browser, Env, Server, logged_in, run_tests

THROTTLED = "Too many failed login attempts. Try again in a minute."
GENERIC = "Please enter a correct username and password."


def started(extra_config="", argon2_memory_kib=None, argon2_time_cost=None):
    """A server with alice and bob. Argon2 costs other than the fixture's cheap ones go
    through the environment (it overrides the file) so that the users' hashes and the
    server's dummy hash are made with the same cost."""
    costs = {"WHISPER_ARGON2_MEMORY_KIB": argon2_memory_kib,
             "WHISPER_ARGON2_TIME_COST": argon2_time_cost}
    env = Env(extra_config, {name: str(v) for name, v in costs.items() if v is not None})
    env.migrated()
    env.add_user("alice")
    env.add_user("bob")
    return env, Server(env)


def attempt(server, username, password):
    return Browser(server).login(username, password)


def test_username_is_throttled_after_its_failures_and_others_are_not():
    env, server = started("login_failures_per_minute = 3\nlogin_failures_per_minute_per_ip = 100")
    with server:
        for _ in range(3):
            response = attempt(server, "alice", "wrong")
            assert response.status == 200 and GENERIC in response.body
        refused = attempt(server, "alice", "wrong")
        assert refused.status == 429, refused.status
        assert THROTTLED in refused.body and GENERIC not in refused.body
        assert 'name="username"' in refused.body, "the login form is shown again"
        # Even the right password is refused while the username is throttled...
        assert attempt(server, "alice", PASSWORD).status == 429
        # ...while another username from the same address still logs in.
        assert attempt(server, "bob", PASSWORD).status == 302


def test_unknown_usernames_are_throttled_like_known_ones():
    env, server = started("login_failures_per_minute = 2\nlogin_failures_per_minute_per_ip = 100")
    with server:
        for _ in range(2):
            assert attempt(server, "nobody", "wrong").status == 200
        assert attempt(server, "nobody", "wrong").status == 429


def test_client_ip_is_throttled_across_usernames():
    env, server = started("login_failures_per_minute = 100\nlogin_failures_per_minute_per_ip = 4")
    with server:
        for name in ("u1", "u2", "u3", "u4"):
            assert attempt(server, name, "wrong").status == 200
        refused = attempt(server, "alice", PASSWORD)
        assert refused.status == 429 and THROTTLED in refused.body
        assert "sessionid" not in (refused.header("set-cookie") or "")


def test_throttled_attempts_skip_the_password_hash():
    # An expensive Argon2 makes a checked attempt slow; a throttled one must stay cheap.
    env, server = started("login_failures_per_minute = 1\nlogin_failures_per_minute_per_ip = 100",
                          argon2_memory_kib=65536, argon2_time_cost=3)
    with server:
        browser = Browser(server)
        browser.get("/accounts/login/")
        started_at = time.monotonic()
        assert browser.post_form("/accounts/login/", {"username": "alice",
                                                      "password": "wrong"}).status == 200
        checked = time.monotonic() - started_at
        started_at = time.monotonic()
        assert browser.post_form("/accounts/login/", {"username": "alice",
                                                      "password": "wrong"}).status == 429
        throttled = time.monotonic() - started_at
        assert throttled < checked / 2, (checked, throttled)


def test_success_resets_the_username_failures():
    env, server = started("login_failures_per_minute = 3\nlogin_failures_per_minute_per_ip = 100")
    with server:
        for _ in range(2):
            assert attempt(server, "alice", "wrong").status == 200
        assert attempt(server, "alice", PASSWORD).status == 302
        for _ in range(2):
            assert attempt(server, "alice", "wrong").status == 200
        assert attempt(server, "alice", PASSWORD).status == 302


def test_unknown_user_and_wrong_password_take_the_same_time():
    env, server = started("login_failures_per_minute = 100\nlogin_failures_per_minute_per_ip = 100",
                          argon2_memory_kib=32768, argon2_time_cost=2)
    with server:
        def timed(username):
            browser = Browser(server)
            browser.get("/accounts/login/")
            started_at = time.monotonic()
            response = browser.post_form("/accounts/login/",
                                         {"username": username, "password": "wrong"})
            assert response.status == 200 and GENERIC in response.body
            return time.monotonic() - started_at
        # Interleaved, so a change of machine load affects both kinds alike.
        known, unknown = [], []
        for _ in range(7):
            known.append(timed("alice"))
            unknown.append(timed("nobody"))
        ratio = statistics.median(unknown) / statistics.median(known)
        # Both verify one Argon2 hash of the same cost; skipping it for unknown users
        # would make them ~50x faster, far outside this band.
        assert 1 / 3 < ratio < 3, (known, unknown)


def test_login_replaces_a_planted_session_cookie():
    env, server = started()
    with server:
        browser = Browser(server)
        planted = "a" * 64
        browser.cookies["sessionid"] = planted
        assert browser.login("alice").status == 302
        assert browser.session() and browser.session() != planted


def test_previous_session_stops_working_after_a_new_login():
    env, server = started()
    with server:
        browser = logged_in(server, "alice")
        first = browser.session()
        browser.login("alice")
        assert browser.session() != first
        stale = Browser(server)
        stale.cookies["sessionid"] = first
        assert stale.get("/").status == 302, "the old session id still logs in"
        assert browser.get("/").status == 200


if __name__ == "__main__":
    run_tests(globals())
