"""The Origin trap: a page opened by another name than the one in allowed_hosts
(127.0.0.1 instead of localhost) is refused its chat WebSocket. The page can ask
GET /chat/origin/ why (a browser cannot read a failed WebSocket's status), and the
operator's log says once per origin which allowed_hosts line would admit it."""
import asyncio
import json
import time
import urllib.parse

import websockets

from whisper_fixture import Browser, Env, Server, logged_in, run_tests

HINT = "refused the chat WebSocket of a page opened as"


def started():
    env = Env('allowed_hosts = ["localhost"]').migrated()
    env.add_user("alice")
    return env, Server(env)


async def try_upgrade(server, cookie, origin):
    try:
        ws = await asyncio.wait_for(websockets.connect(
            server.ws_url, extra_headers={"Cookie": cookie}, origin=origin,
            open_timeout=10, close_timeout=2), 15)
    except websockets.exceptions.InvalidStatusCode as e:
        return e.status_code
    await ws.close()
    return 101


def hint_lines(server):
    return [line for line in server.lines if HINT in line]


def test_a_refused_origin_is_explained_once_in_the_log():
    env, server = started()
    with server:
        cookie = logged_in(server, "alice").cookie_header()
        by_address = f"http://127.0.0.1:{server.port}"

        async def retries():
            for _ in range(5):  # the page's reconnect loop
                assert await try_upgrade(server, cookie, by_address) == 403
            assert await try_upgrade(server, cookie, f"http://localhost:{server.port}") == 101
            assert await try_upgrade(server, cookie, "http://192.0.2.10:8000") == 403
            # Not a page's origin (control characters): refused (400 by the strict head
            # check, else 403), never repeated in the log.
            assert await try_upgrade(server, cookie, "http://evil\x1b[2J.example") in (400, 403)
            assert await try_upgrade(server, cookie, "http://evil<b>.example") == 403
        asyncio.run(retries())
        time.sleep(0.3)  # the log is flushed every 100 ms
        lines = hint_lines(server)
        assert len(lines) == 2, "".join(server.lines)
        assert by_address in lines[0]
        assert f'allowed_hosts = ["localhost", "127.0.0.1:{server.port}"]' in lines[0], lines[0]
        assert 'allowed_hosts = ["localhost", "192.0.2.10:8000"]' in lines[1], lines[1]
        assert not any("\x1b" in line and HINT in line for line in server.lines)


def origin_check(server, origin):
    response = Browser(server).get("/chat/origin/?origin=" + urllib.parse.quote(origin, safe=""))
    assert response.status == 200, response.status
    assert response.header("content-type").startswith("application/json")
    return json.loads(response.body)


def test_the_page_can_ask_whether_its_origin_is_accepted_and_what_to_open_instead():
    env, server = started()
    with server:
        assert origin_check(server, f"http://localhost:{server.port}") == {"allowed": True}
        refused = origin_check(server, f"http://127.0.0.1:{server.port}")
        assert refused["allowed"] is False
        assert refused["open_as"] == "http://localhost"
        assert refused["host"] == f"127.0.0.1:{server.port}"
        # Something that is no page's origin is refused and not echoed back.
        odd = origin_check(server, "javascript:alert(1)")
        assert odd["allowed"] is False and odd["origin"] == "" and odd["host"] == ""


if __name__ == "__main__":
    run_tests(globals())
