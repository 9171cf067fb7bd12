"""Behind a reverse proxy every TCP peer is the proxy. With `trusted_proxies` the server
believes the proxy's X-Forwarded-For, so the login throttle, the per-address WebSocket
limit, `metrics = "local"` and the logs see the real client; without it (or from any
other peer) the header is a claim the client makes about itself and is ignored."""
import asyncio
import time
import urllib.parse

import websockets

from whisper_fixture import PASSWORD, Browser, Env, Server, run_tests

ATTACKER, BOB_HOME = "203.0.113.5", "198.51.100.7"


def started(extra_config="", environment=None):
    env = Env("login_failures_per_minute = 5\nlogin_failures_per_minute_per_ip = 20\n" +
              extra_config).migrated()
    env.add_user("bob")
    return env, Server(env, environment=environment)


def login_via(server, username, password, forwarded_for):
    """A login through a proxy that says the client is `forwarded_for`."""
    browser = Browser(server)
    headers = {"X-Forwarded-For": forwarded_for}
    assert browser.request("GET", "/accounts/login/", headers=headers).status == 200
    form = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrfmiddlewaretoken": browser.cookies["csrftoken"]})
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return browser.request("POST", "/accounts/login/", form, headers), browser


def twenty_failures_from_the_attacker(server, address_of=lambda n: ATTACKER):
    # Distinct usernames: only the per-address limit (20) can be reached.
    for n in range(20):
        response, _ = login_via(server, f"guess{n}", "wrong", address_of(n))
        assert response.status == 200, (n, response.status)


def test_one_attacker_behind_the_proxy_does_not_lock_out_everyone():
    env, server = started('trusted_proxies = ["127.0.0.1"]')
    with server:
        twenty_failures_from_the_attacker(server)
        # The attacker's address is throttled...
        assert login_via(server, "guess20", "wrong", ATTACKER)[0].status == 429
        assert login_via(server, "bob", PASSWORD, ATTACKER)[0].status == 429
        # ...and bob, from his own address through the same proxy, logs in.
        response, _ = login_via(server, "bob", PASSWORD, BOB_HOME)
        assert response.status == 302, response.status


def test_without_trusted_proxies_the_header_is_ignored():
    env, server = started()
    with server:
        twenty_failures_from_the_attacker(server)
        # Every request came from 127.0.0.1, whatever the header claimed.
        assert login_via(server, "bob", PASSWORD, BOB_HOME)[0].status == 429


def test_an_untrusted_peer_cannot_spoof_its_address():
    # Only 10.0.0.0/8 is a proxy: 127.0.0.1 (this test) is an ordinary client.
    env, server = started('trusted_proxies = ["10.0.0.0/8"]')
    with server:
        # A new fake address each time would escape the limit if it were believed.
        twenty_failures_from_the_attacker(server, lambda n: f"198.51.100.{n + 1}")
        assert login_via(server, "bob", PASSWORD, BOB_HOME)[0].status == 429


def test_the_environment_variable_sets_trusted_proxies():
    env, server = started(environment={"WHISPER_TRUSTED_PROXIES": "::1,127.0.0.0/8"})
    with server:
        twenty_failures_from_the_attacker(server)
        assert login_via(server, "bob", PASSWORD, BOB_HOME)[0].status == 302


def test_metrics_local_means_the_real_client_is_local():
    env, server = started('trusted_proxies = ["127.0.0.1"]')
    with server:
        browser = Browser(server)
        assert browser.request("GET", "/metrics",
                               headers={"X-Forwarded-For": ATTACKER}).status == 403
        assert browser.request("GET", "/metrics",
                               headers={"Forwarded": f"for={ATTACKER}"}).status == 403
        assert browser.request("GET", "/metrics",
                               headers={"X-Forwarded-For": "127.0.0.1"}).status == 200
        assert browser.get("/metrics").status == 200  # the proxy host itself


async def open_socket(server, cookie, forwarded_for):
    return await asyncio.wait_for(websockets.connect(
        server.ws_url, extra_headers={"Cookie": cookie, "X-Forwarded-For": forwarded_for},
        open_timeout=10, close_timeout=2), 15)


async def refused_status(server, cookie, forwarded_for):
    try:
        ws = await open_socket(server, cookie, forwarded_for)
    except websockets.exceptions.InvalidStatusCode as e:
        return e.status_code
    await ws.close()
    return 101


def test_websocket_limit_per_address_counts_the_real_client():
    env, server = started('trusted_proxies = ["127.0.0.1"]\nmax_connections_per_ip = 2\n'
                          "max_connections_per_user = 10")
    with server:
        _, browser = login_via(server, "bob", PASSWORD, BOB_HOME)
        cookie = browser.cookie_header()

        async def scenario():
            first = await open_socket(server, cookie, ATTACKER)
            second = await open_socket(server, cookie, ATTACKER)
            try:
                # A third from the same client is over its limit of 2...
                assert await refused_status(server, cookie, ATTACKER) == 429
                # ...while other clients behind the same proxy still connect.
                assert await refused_status(server, cookie, BOB_HOME) == 101
                assert await refused_status(server, cookie, "198.51.100.8") == 101
            finally:
                await first.close()
                await second.close()
        asyncio.run(scenario())
        # The log names the client, not the proxy.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if any(f"user=bob remote={ATTACKER}" in line for line in server.lines):
                break
            time.sleep(0.05)
        else:
            raise AssertionError("no log line names the real client:\n" + "".join(server.lines))


def test_a_bad_trusted_proxies_entry_is_a_clear_config_error():
    env = Env('trusted_proxies = ["10.0.0.0/33"]')
    result = env.cli("migrate")
    assert result.returncode != 0
    assert "trusted_proxies" in result.stderr and "10.0.0.0/33" in result.stderr, result.stderr


if __name__ == "__main__":
    run_tests(globals())
