"""The chat WebSocket against the real server: authentication on the upgrade, rooms,
staff-only access, logout, and shutdown."""
import asyncio
import os

import websockets

from whisper_fixture import (BIN, Env, Server, logged_in, run_tests, ws_close_code, ws_connect,
                             ws_recv, ws_recv_until, ws_send)


def started():
    env = Env().migrated()
    env.add_user("alice")
    env.add_user("bob")
    env.add_user("boss", staff=True)
    lobby = env.add_room("Lobby")
    staff = env.add_room("Staff", staff_only=True)
    return env, Server(env), lobby, staff


def cookie_of(browser):
    return f"sessionid={browser.session()}"


async def expect_refused(server, cookie=None, origin=None):
    try:
        ws = await ws_connect(server, cookie, origin)
    except websockets.exceptions.InvalidStatusCode as e:
        return e.status_code
    await ws.close()
    raise AssertionError("the upgrade was accepted")


def test_login_cookie_opens_the_websocket():
    env, server, lobby, _ = started()
    with server:
        cookie = cookie_of(logged_in(server, "alice"))

        async def scenario():
            ws = await ws_connect(server, cookie)
            await ws_send(ws, command="join", room=lobby)
            assert await ws_recv(ws) == {"join": str(lobby), "title": "Lobby"}
            await ws.close()
        asyncio.run(scenario())


def test_upgrade_without_cookie_or_from_foreign_origin_is_refused():
    env, server, _, _ = started()
    with server:
        cookie = cookie_of(logged_in(server, "alice"))

        async def scenario():
            assert await expect_refused(server) == 403
            assert await expect_refused(server, "sessionid=" + "0" * 64) == 403
            assert await expect_refused(server, cookie, origin="http://evil.example") == 403
            ws = await ws_connect(server, cookie, origin=f"http://127.0.0.1:{server.port}")
            await ws.close()
        asyncio.run(scenario())


def test_two_users_chat_in_a_room():
    env, server, lobby, _ = started()
    with server:
        alice = cookie_of(logged_in(server, "alice"))
        bob = cookie_of(logged_in(server, "bob"))

        async def scenario():
            a = await ws_connect(server, alice)
            b = await ws_connect(server, bob)
            for ws in (a, b):
                await ws_send(ws, command="join", room=str(lobby))
                await ws_recv_until(ws, lambda f: f.get("join") == str(lobby))
            await ws_send(a, command="send", room=lobby, message="hello bob")
            expected = {"msg_type": 0, "room": lobby, "username": "alice", "message": "hello bob"}
            assert await ws_recv_until(b, lambda f: f.get("msg_type") == 0) == expected
            assert await ws_recv_until(a, lambda f: f.get("msg_type") == 0) == expected
            await a.close()
            await b.close()
        asyncio.run(scenario())


def test_sending_refreshes_the_senders_last_update():
    env, server, lobby, _ = started()
    with server:
        alice = cookie_of(logged_in(server, "alice"))

        async def scenario():
            a = await ws_connect(server, alice)
            await ws_send(a, command="join", room=lobby)
            await ws_recv_until(a, lambda f: f.get("join") == str(lobby))

            async def alice_last_update():
                await ws_send(a, command="room_users", room=lobby)
                reply = await ws_recv_until(a, lambda f: f.get("type") == 6)
                users = [u for u in reply["data"]["users"].values() if u["username"] == "alice"]
                assert len(users) == 1 and users[0]["left"] is False, reply
                return users[0]["last_update"]

            joined_at = await alice_last_update()
            # Refreshes are coalesced to one a second (wall clock): let one pass.
            await asyncio.sleep(1.1)
            await ws_send(a, command="send", room=lobby, message="still here")
            await ws_recv_until(a, lambda f: f.get("msg_type") == 0)
            sent_at = await alice_last_update()
            assert sent_at >= joined_at + 1.0, (joined_at, sent_at)
            await a.close()
        asyncio.run(scenario())


def test_staff_only_room_refuses_non_staff_and_admits_staff():
    env, server, _, staff_room = started()
    with server:
        alice = cookie_of(logged_in(server, "alice"))
        boss = cookie_of(logged_in(server, "boss"))

        async def scenario():
            a = await ws_connect(server, alice)
            await ws_send(a, command="join", room=staff_room)
            frame = await ws_recv(a)
            assert frame["error"] == "ROOM_ACCESS_DENIED", frame
            s = await ws_connect(server, boss)
            await ws_send(s, command="join", room=staff_room)
            assert await ws_recv(s) == {"join": str(staff_room), "title": "Staff"}
            await a.close()
            await s.close()
        asyncio.run(scenario())


def test_logout_kills_the_session_for_new_upgrades():
    env, server, _, _ = started()
    with server:
        browser = logged_in(server, "alice")
        cookie = cookie_of(browser)
        assert browser.post_form("/accounts/logout/", {}).status == 302

        async def scenario():
            assert await expect_refused(server, cookie) == 403
        asyncio.run(scenario())


def test_bench_users_cookies_open_websockets():
    env, server, lobby, _ = started()
    with server:
        cookies = os.path.join(env.dir, "cookies.txt")
        env.cli_ok("bench-users", "--count", "3", "--prefix", "load", "--cookies", cookies)

        async def scenario():
            for line in open(cookies).read().splitlines():
                ws = await ws_connect(server, line)
                await ws_send(ws, command="join", room=lobby)
                assert (await ws_recv(ws))["join"] == str(lobby)
                await ws.close()
        asyncio.run(scenario())


def test_sigterm_closes_clients_with_1001_and_exits_zero():
    env, server, lobby, _ = started()
    cookie = cookie_of(logged_in(server, "alice"))

    async def scenario():
        ws = await ws_connect(server, cookie)
        await ws_send(ws, command="join", room=lobby)
        await ws_recv(ws)
        loop = asyncio.get_running_loop()
        exit_code = loop.run_in_executor(None, server.terminate)
        assert await ws_close_code(ws) == 1001
        assert await asyncio.wait_for(exit_code, 20) == 0
    try:
        asyncio.run(scenario())
    finally:
        server.stop()


if __name__ == "__main__":
    assert BIN, "set WHISPER_SERVER_BIN"
    run_tests(globals())
