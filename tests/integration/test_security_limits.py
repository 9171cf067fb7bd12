"""Security limits of the real server that are config keys: max_json_depth and
rate_limit_strikes reach the chat core, max_connections refuses upgrades past the cap
with 503 + Retry-After while open sockets keep working, and every new key is checked
like the others (file, environment, flags)."""
import asyncio
import http.client
import time

from whisper_fixture import (Env, Server, logged_in, run_tests, ws_close_code, ws_connect,
                             ws_recv, ws_recv_until, ws_send)


def started(*server_args, extra_config=""):
    env = Env(extra_config).migrated()
    env.add_user("alice")
    env.add_user("bob")
    lobby = env.add_room("Lobby")
    return env, Server(env, *server_args), lobby


def cookie_of(browser):
    return f"sessionid={browser.session()}"


# A join with an unused nested field: three levels deep (object, object, array).
def nested_join(lobby):
    return '{"command": "join", "room": %d, "x": {"y": [1]}}' % lobby


def test_json_deeper_than_max_json_depth_is_a_bad_request():
    env, server, lobby = started("--max-json-depth", "2")
    with server:
        cookie = cookie_of(logged_in(server, "alice"))

        async def scenario():
            ws = await ws_connect(server, cookie)
            await ws.send(nested_join(lobby))
            frame = await ws_recv(ws)
            assert frame.get("error") == "BAD_REQUEST", frame
            await ws_send(ws, command="join", room=lobby)
            assert await ws_recv(ws) == {"join": str(lobby), "title": "Lobby"}
            await ws.close()
        asyncio.run(scenario())


def test_default_json_depth_accepts_the_same_nested_command():
    env, server, lobby = started()
    with server:
        cookie = cookie_of(logged_in(server, "alice"))

        async def scenario():
            ws = await ws_connect(server, cookie)
            await ws.send(nested_join(lobby))
            assert await ws_recv(ws) == {"join": str(lobby), "title": "Lobby"}
            await ws.close()
        asyncio.run(scenario())


def test_connection_is_closed_after_rate_limit_strikes_refusals_in_a_row():
    # One command a second, no burst beyond it: everything after the first is refused.
    env, server, lobby = started(extra_config="commands_per_second = 0.1\ncommand_burst = 1\n"
                                 "rate_limit_strikes = 3")
    with server:
        cookie = cookie_of(logged_in(server, "alice"))

        async def scenario():
            ws = await ws_connect(server, cookie)
            for _ in range(4):
                await ws_send(ws, command="join", room=lobby)
            refused = 0
            while True:
                try:
                    frame = await ws_recv(ws)
                except Exception:
                    break
                refused += frame.get("error") == "RATE_LIMITED"
            assert refused == 3, refused
            assert await ws_close_code(ws) == 1008
        asyncio.run(scenario())


def raw_upgrade(server, cookie):
    """An upgrade by hand, to read a refusal's status and headers."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", "/chat/stream/", headers={
        "Host": f"127.0.0.1:{server.port}", "Connection": "Upgrade", "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        "Cookie": cookie})
    response = conn.getresponse()
    body = response.read() if response.status != 101 else b""
    conn.close()
    return response.status, response.getheader("Retry-After"), body


def test_upgrades_past_max_connections_get_503_and_open_sockets_keep_chatting():
    env, server, lobby = started("--max-connections", "2")
    with server:
        alice = cookie_of(logged_in(server, "alice"))
        bob = cookie_of(logged_in(server, "bob"))

        async def scenario():
            first = await ws_connect(server, alice)
            second = await ws_connect(server, bob)
            status, retry_after, body = raw_upgrade(server, alice)
            assert status == 503 and retry_after and b"connection limit" in body, \
                (status, retry_after, body)
            # The two open sockets are unaffected: they still chat.
            for ws in (first, second):
                await ws_send(ws, command="join", room=lobby)
                await ws_recv_until(ws, lambda f: f.get("join") == str(lobby))
            await ws_send(first, command="send", room=lobby, message="still here")
            got = await ws_recv_until(second, lambda f: f.get("message") == "still here")
            assert got["username"] == "alice", got
            # A closed socket frees its place (bounded wait for the server to see it).
            await second.close()
            deadline = time.monotonic() + 10
            while True:
                try:
                    third = await ws_connect(server, bob)
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    await asyncio.sleep(0.1)
            await third.close()
            await first.close()
        asyncio.run(scenario())
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", "/metrics")
        metrics = conn.getresponse().read().decode()
        conn.close()
        assert 'whisper_upgrades_refused_total{reason="server_full"} 1' in metrics, metrics
        log = "".join(server.lines)
        assert "max_connections = 2" in log, log[-2000:]
        assert "max_connections 2)" in log, log[-2000:]


def test_new_limit_keys_are_read_from_every_source_and_checked():
    env = Env("max_json_depth = 4\nrate_limit_strikes = 9\nmax_connections = 10\n"
              "hsts_max_age = 0\n").migrated()
    assert env.cli("listrooms").returncode == 0
    for flag, bad_value in (("--max-json-depth", "0"), ("--max-json-depth", "2000"),
                            ("--rate-limit-strikes", "0"), ("--max-connections", "-1"),
                            ("--hsts-max-age", "-5"), ("--hsts-max-age", "soon")):
        bad = env.cli(flag, bad_value, "listrooms")
        assert bad.returncode == 2 and flag.lstrip("-") in bad.stderr, (flag, bad.stderr)
    bad = env.cli("listrooms", env={"WHISPER_RATE_LIMIT_STRIKES": "many"})
    assert bad.returncode == 2 and "WHISPER_RATE_LIMIT_STRIKES" in bad.stderr, bad.stderr
    assert env.cli("listrooms", env={"WHISPER_MAX_CONNECTIONS": "0"}).returncode == 0
    wrong_type = Env('max_json_depth = "deep"\n')
    bad = wrong_type.cli("listrooms")
    assert bad.returncode == 2 and "max_json_depth" in bad.stderr, bad.stderr
    help_text = Env().cli("--help").stdout
    for flag in ("--max-json-depth", "--rate-limit-strikes", "--max-connections",
                 "--hsts-max-age"):
        assert flag in help_text, flag


if __name__ == "__main__":
    run_tests(globals())
