"""Accounts and pages over real HTTP: login form with CSRF, cookies, redirects, logout,
signup, security headers, static files and health."""
import json
import re

from whisper_fixture import BIN, PASSWORD, Browser, Env, Server, logged_in, run_tests

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def started(extra_config=""):
    env = Env(extra_config).migrated()
    env.add_user("alice")
    env.add_user("boss", staff=True)
    return env, Server(env)


def test_login_form_carries_csrf_field_and_cookie():
    env, server = started()
    with server:
        browser = Browser(server)
        page = browser.get("/accounts/login/?next=/admin/")
        assert page.status == 200
        token = browser.cookies.get("csrftoken")
        assert token and f'name="csrfmiddlewaretoken" value="{token}"' in page.body
        assert 'name="next" value="/admin/"' in page.body
        cookie = page.header("Set-Cookie")
        assert "SameSite=Lax" in cookie and "HttpOnly" not in cookie, cookie


def test_login_sets_httponly_session_cookie_and_redirects_to_next():
    env, server = started()
    with server:
        browser = Browser(server)
        response = browser.login("alice", next_path="/rooms/?x=1")
        assert response.status == 302 and response.header("Location") == "/rooms/?x=1"
        cookie = [v for k, v in response.headers if k.lower() == "set-cookie" and
                  v.startswith("sessionid=")][0]
        assert re.match(r"sessionid=[0-9a-f]{64}; ", cookie), cookie
        for attribute in ("HttpOnly", "SameSite=Lax", "Path=/"):
            assert attribute in cookie, cookie
        home = browser.get("/")
        assert home.status == 200 and "alice" in home.body


def test_session_id_is_rotated_at_each_login():
    env, server = started()
    with server:
        browser = logged_in(server, "alice")
        first = browser.session()
        browser.login("alice")
        assert browser.session() and browser.session() != first


def test_wrong_password_and_unknown_user_get_the_same_generic_error():
    env, server = started()
    with server:
        bodies = []
        for username, password in (("alice", "wrong"), ("nobody", PASSWORD)):
            browser = Browser(server)
            response = browser.login(username, password)
            assert response.status == 200, response.status
            assert "Please enter a correct username and password." in response.body
            assert "sessionid" not in browser.cookies
            bodies.append(response.body.replace(browser.cookies["csrftoken"], ""))
        assert bodies[0] == bodies[1]


def test_next_to_another_site_redirects_home():
    env, server = started()
    with server:
        for evil in ("//evil.com", "/\\evil.com", "https://evil.com/", "evil"):
            response = Browser(server).login("alice", next_path=evil)
            assert response.status == 302 and response.header("Location") == "/", (evil, response.header("Location"))


def test_csrf_token_is_rotated_at_login_and_bound_to_the_session():
    env, server = started()
    with server:
        browser = Browser(server)
        planted = "a" * 32  # e.g. set by a sibling subdomain before the victim logs in
        browser.cookies["csrftoken"] = planted
        response = browser.login("alice")
        assert response.status == 302
        rotated = browser.cookies["csrftoken"]
        assert rotated != planted and re.fullmatch(r"[0-9a-f]{32}", rotated), rotated
        # The planted token is worthless now, even sent as both cookie and field ...
        browser.cookies["csrftoken"] = planted
        refused = browser.post_form("/accounts/logout/", {})
        assert refused.status == 403, refused.status
        assert browser.get("/api/me").status == 200  # still logged in
        # ... and so is another session's token: each session has its own.
        other = logged_in(server, "alice")
        assert other.cookies["csrftoken"] != rotated
        browser.cookies["csrftoken"] = other.cookies["csrftoken"]
        assert browser.post_form("/accounts/logout/", {}).status == 403
        # A page view hands the session's token back; with it the logout goes through.
        page = browser.get("/")
        assert page.status == 200 and browser.cookies["csrftoken"] == rotated
        assert f'content="{rotated}"' in page.body or rotated in page.body
        assert browser.post_form("/accounts/logout/", {}).status == 302


def test_post_without_csrf_token_is_forbidden():
    env, server = started()
    with server:
        browser = Browser(server)
        browser.get("/accounts/login/")
        response = browser.post_form("/accounts/login/", {"username": "alice", "password": PASSWORD},
                                     csrf=False)
        assert response.status == 403 and "CSRF verification failed" in response.body
        wrong = browser.request("POST", "/accounts/login/",
                                f"username=alice&password=x&csrfmiddlewaretoken={'0' * 32}",
                                {"Content-Type": "application/x-www-form-urlencoded"})
        assert wrong.status == 403


def test_logged_in_api_post_needs_csrf_header():
    env, server = started()
    with server:
        boss = logged_in(server, "boss")
        refused = boss.request("POST", "/api/rooms", '{"title": "x"}',
                               {"Content-Type": "application/json"})
        assert refused.status == 403 and refused.json()["error"] == "CSRF_FAILED"
        assert boss.api("POST", "/api/rooms", {"title": "x"}).status == 201


def test_anonymous_pages_redirect_to_login():
    env, server = started()
    with server:
        browser = Browser(server)
        home = browser.get("/")
        assert home.status == 302 and home.header("Location") == "/accounts/login/?next=/"
        admin = browser.get("/admin/")
        assert admin.status == 302 and admin.header("Location") == "/accounts/login/?next=/admin/"


def test_admin_page_is_for_staff_only():
    env, server = started()
    with server:
        assert logged_in(server, "alice").get("/admin/").status == 403
        staff_page = logged_in(server, "boss").get("/admin/")
        assert staff_page.status == 200 and 'name="csrf-token"' in staff_page.body


def test_logout_link_asks_first_and_its_form_logs_out():
    env, server = started()
    with server:
        browser = logged_in(server, "alice")
        # The original's Logout is a plain link (GET): it shows a confirmation form ...
        page = browser.get("/accounts/logout/")
        assert page.status == 200, page.status
        assert "<h1>Log out?</h1>" in page.body and 'href="/"' in page.body, page.body
        assert 'href="/static/style.css"' in page.body
        token = browser.cookies["csrftoken"]
        field = re.search(r'name="csrfmiddlewaretoken" value="([0-9a-f]+)"', page.body)
        assert field and field.group(1) == token, page.body
        assert re.search(r'<form method="post" action="/accounts/logout/">', page.body)
        # ... and logs nobody out by itself.
        assert browser.get("/api/me").status == 200
        # The form's POST without the token is refused and changes nothing.
        refused = browser.request("POST", "/accounts/logout/", "",
                                  {"Content-Type": "application/x-www-form-urlencoded"})
        assert refused.status == 403, refused.status
        assert browser.get("/api/me").status == 200
        # With the form's token it logs out.
        done = browser.post_form("/accounts/logout/", {"csrfmiddlewaretoken": field.group(1)},
                                 csrf=False)
        assert done.status == 302 and done.header("Location") == "/accounts/login/"
        assert browser.get("/api/me").status != 200
        assert browser.get("/").status == 302
        # Logged out, the link leads to the login page.
        again = browser.get("/accounts/logout/")
        assert again.status == 302 and again.header("Location") == "/accounts/login/", again.status


def test_logout_ends_the_session_and_clears_the_cookie():
    env, server = started()
    with server:
        browser = logged_in(server, "alice")
        old = browser.session()
        response = browser.post_form("/accounts/logout/", {})
        assert response.status == 302 and response.header("Location") == "/accounts/login/"
        assert "sessionid" not in browser.cookies
        browser.cookies["sessionid"] = old
        assert browser.get("/").status == 302


def test_every_page_carries_security_headers():
    env, server = started()
    with server:
        browser = Browser(server)
        for path in ("/accounts/login/", "/", "/healthz", "/nope", "/static/style.css"):
            response = browser.get(path)
            assert response.header("Content-Security-Policy") == CSP, path
            assert response.header("X-Frame-Options") == "DENY", path
            assert response.header("X-Content-Type-Options") == "nosniff", path
            assert response.header("Referrer-Policy") == "same-origin", path


def test_pages_have_no_inline_script():
    env, server = started()
    with server:
        browser = logged_in(server, "boss")
        for path in ("/accounts/login/", "/", "/admin/"):
            body = browser.get(path).body
            for tag in re.findall(r"<script[^>]*>", body):
                assert "src=" in tag, (path, tag)
            assert not re.search(r"<script[^>]*>\s*[^<\s]", body), path


def test_static_files_health_and_unknown_paths():
    env, server = started()
    with server:
        browser = Browser(server)
        css = browser.get("/static/style.css")
        assert css.status == 200 and css.header("Content-Type").startswith("text/css")
        assert "max-age" in css.header("Cache-Control")
        assert browser.get("/static/login.html").status == 404
        assert browser.get("/static/../whisper.db").status == 404
        # Browsers ask for /favicon.ico by default: it leads to the site's SVG icon.
        favicon = browser.get("/favicon.ico")
        assert favicon.status == 301 and favicon.header("Location") == "/static/favicon.svg"
        assert "max-age=86400" in favicon.header("Cache-Control"), favicon.header("Cache-Control")
        icon = browser.get(favicon.header("Location"))
        assert icon.status == 200 and icon.header("Content-Type") == "image/svg+xml"
        assert icon.body.startswith("<svg"), icon.body[:80]
        health = browser.get("/healthz")
        assert health.status == 200 and health.json() == {"status": "ok", "database": "ok"}
        assert browser.get("/no/such/page").status == 404


def test_signup_is_off_by_default():
    env, server = started()
    with server:
        assert Browser(server).get("/accounts/signup/").status == 404


def test_signup_when_enabled_creates_and_logs_in_the_user():
    env, server = started("signup_enabled = true")
    with server:
        browser = Browser(server)
        assert browser.get("/accounts/signup/").status == 200
        mismatch = browser.post_form("/accounts/signup/", {"username": "newbie", "password1": "a",
                                                           "password2": "b"})
        assert mismatch.status == 200 and "must match" in mismatch.body
        done = browser.post_form("/accounts/signup/", {"username": "newbie", "password1": "pw",
                                                       "password2": "pw"})
        assert done.status == 302 and browser.session()
        assert browser.api("GET", "/api/me").json()["username"] == "newbie"
        taken = Browser(server).post_form("/accounts/signup/", {"username": "newbie",
                                                                "password1": "pw", "password2": "pw"})
        assert "already exists" in taken.body


def test_json_logs_are_valid_lines_without_secrets():
    env, server = started('log_format = "json"\nlog_level = "debug"')
    with server:
        browser = logged_in(server, "alice")
        browser.get("/?token=hunter2")
        session = browser.session()
        Browser(server).login("alice", "wrong-password-xyz")
    server.terminate()
    assert server.lines, "no log output"
    for line in server.lines:
        entry = json.loads(line)
        # time, level, message, and the structured fields some lines carry.
        assert {"time", "level", "message"} <= set(entry), entry
        assert set(entry) <= {"time", "level", "message", "user", "remote", "room", "code",
                              "status", "latency_ms", "method", "route", "path"}, entry
    text = "".join(server.lines)
    for secret in (PASSWORD, "wrong-password-xyz", session, "hunter2"):
        assert secret not in text, secret


if __name__ == "__main__":
    assert BIN, "set WHISPER_SERVER_BIN"
    run_tests(globals())
