"""The JSON API against the real server: permissions, rooms, users, publish, and its
effect on connected sockets."""
import asyncio

from whisper_fixture import (BIN, Browser, Env, Server, logged_in, run_tests, ws_close_code,
                             ws_connect, ws_recv, ws_recv_until, ws_send)

TOKEN = "test-api-token-0123456789"


def started():
    env = Env(f'api_token = "{TOKEN}"').migrated()
    env.add_user("alice")
    env.add_user("boss", staff=True)
    lobby = env.add_room("Lobby")
    return env, Server(env), lobby


def test_me_and_rooms_for_a_logged_in_user():
    env, server, lobby = started()
    with server:
        alice = logged_in(server, "alice")
        me = alice.api("GET", "/api/me")
        assert me.status == 200 and me.json()["username"] == "alice" and me.json()["is_staff"] is False
        rooms = alice.api("GET", "/api/rooms").json()
        assert rooms == [{"id": lobby, "title": "Lobby", "staff_only": False}]
        anonymous = Browser(server).api("GET", "/api/me")
        assert anonymous.status == 401 and anonymous.json()["error"] == "UNAUTHORIZED"


def test_staff_creates_room_and_non_staff_is_forbidden():
    env, server, _ = started()
    with server:
        boss = logged_in(server, "boss")
        created = boss.api("POST", "/api/rooms", {"title": "Ops", "staff_only": True})
        assert created.status == 201, created.body
        room = created.json()
        assert room["title"] == "Ops" and room["staff_only"] is True
        renamed = boss.api("PATCH", f"/api/rooms/{room['id']}", {"title": "Operations"})
        assert renamed.status == 200 and renamed.json()["title"] == "Operations"
        alice = logged_in(server, "alice")
        refused = alice.api("POST", "/api/rooms", {"title": "Mine"})
        assert refused.status == 403 and refused.json()["error"] == "FORBIDDEN"
        assert alice.api("GET", "/api/users").status == 403
        bad = boss.api("POST", "/api/rooms", {"title": 5})
        assert bad.status == 400 and bad.json()["error"] == "BAD_REQUEST"
        assert boss.api("PATCH", "/api/rooms/9999", {"title": "x"}).status == 404


def test_api_token_acts_as_staff_without_csrf():
    env, server, lobby = started()
    with server:
        client = Browser(server)
        created = client.api("POST", "/api/rooms", {"title": "Bots"}, token=TOKEN)
        assert created.status == 201
        wrong = client.api("POST", "/api/rooms", {"title": "Bots"}, token="nope")
        assert wrong.status == 403  # no session, no CSRF token: refused


def test_users_create_duplicate_update_delete():
    env, server, _ = started()
    with server:
        boss = logged_in(server, "boss")
        created = boss.api("POST", "/api/users", {"username": "dave", "name": "Dave",
                                                  "password": "pw", "is_staff": False})
        assert created.status == 201, created.body
        user = created.json()
        assert user["username"] == "dave" and user["is_active"] is True
        duplicate = boss.api("POST", "/api/users", {"username": "dave", "password": "pw"})
        assert duplicate.status == 409
        logged_in(server, "dave", "pw")
        changed = boss.api("PATCH", f"/api/users/{user['id']}", {"is_staff": True, "password": "pw2"})
        assert changed.status == 200 and changed.json()["is_staff"] is True
        assert Browser(server).login("dave", "pw").status == 200  # old password refused
        logged_in(server, "dave", "pw2")
        names = [u["username"] for u in boss.api("GET", "/api/users").json()]
        assert "dave" in names
        assert boss.api("DELETE", f"/api/users/{user['id']}").status == 204
        assert boss.api("DELETE", f"/api/users/{user['id']}").status == 404


def test_publish_reaches_room_members():
    env, server, lobby = started()
    with server:
        boss = logged_in(server, "boss")
        cookie = f"sessionid={logged_in(server, 'alice').session()}"

        async def scenario():
            ws = await ws_connect(server, cookie)
            await ws_send(ws, command="join", room=lobby)
            await ws_recv(ws)
            response = await asyncio.to_thread(
                boss.api, "POST", f"/api/rooms/{lobby}/messages",
                {"msg_type": 2, "message": "maintenance at noon"})
            assert response.status == 202, response.body
            frame = await ws_recv_until(ws, lambda f: f.get("msg_type") == 2)
            assert frame == {"msg_type": 2, "room": lobby, "username": "boss",
                             "message": "maintenance at noon"}
            await ws.close()
        asyncio.run(scenario())


def test_delete_room_notifies_its_members():
    env, server, lobby = started()
    with server:
        boss = logged_in(server, "boss")
        cookie = f"sessionid={logged_in(server, 'alice').session()}"

        async def scenario():
            ws = await ws_connect(server, cookie)
            await ws_send(ws, command="join", room=lobby)
            await ws_recv(ws)
            response = await asyncio.to_thread(boss.api, "DELETE", f"/api/rooms/{lobby}")
            assert response.status == 204
            frame = await ws_recv(ws)
            assert frame["error"] == "ROOM_INVALID" and frame["room"] == lobby, frame
            await ws_send(ws, command="send", room=lobby, message="still here?")
            error = await ws_recv_until(ws, lambda f: "error" in f)
            assert error["error"] in ("ROOM_ACCESS_DENIED", "ROOM_INVALID"), error
            await ws.close()
        asyncio.run(scenario())
        assert boss.api("GET", "/api/rooms").json() == []


def test_deactivating_a_user_closes_their_socket_and_sessions():
    env, server, lobby = started()
    with server:
        boss = logged_in(server, "boss")
        alice = logged_in(server, "alice")
        alice_id = alice.api("GET", "/api/me").json()["id"]
        cookie = f"sessionid={alice.session()}"

        async def scenario():
            ws = await ws_connect(server, cookie)
            await ws_send(ws, command="join", room=lobby)
            await ws_recv(ws)
            response = await asyncio.to_thread(boss.api, "PATCH", f"/api/users/{alice_id}",
                                               {"is_active": False})
            assert response.status == 200 and response.json()["is_active"] is False
            assert await ws_close_code(ws) == 1008
        asyncio.run(scenario())
        assert alice.api("GET", "/api/me").status == 401
        assert Browser(server).login("alice").status == 200  # inactive: the form again


if __name__ == "__main__":
    assert BIN, "set WHISPER_SERVER_BIN"
    run_tests(globals())
