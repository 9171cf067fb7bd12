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


def test_room_titles_are_limited_to_200_characters():
    env, server, _ = started()
    with server:
        boss = logged_in(server, "boss")
        longest = boss.api("POST", "/api/rooms", {"title": "é" * 200})  # 400 bytes
        assert longest.status == 201 and longest.json()["title"] == "é" * 200, longest.body
        room = longest.json()["id"]
        for method, path in (("POST", "/api/rooms"), ("PATCH", f"/api/rooms/{room}")):
            refused = boss.api(method, path, {"title": "x" * 201})
            assert refused.status == 400, (method, refused.status)
            assert refused.json() == {
                "error": "BAD_REQUEST",
                "message": "The room title must be at most 200 characters long (this one has 201)."
            }, refused.body
        assert boss.api("PATCH", f"/api/rooms/{room}", {"title": ""}).status == 400
        assert boss.api("GET", f"/api/rooms/{room}").json()["title"] == "é" * 200
        # The createroom command applies the same limit.
        assert env.cli_ok("createroom", "--title", "x" * 200).returncode == 0
        refused = env.cli("createroom", "--title", "x" * 201)
        assert refused.returncode == 1, refused.returncode
        assert "at most 200 characters long (this one has 201)" in refused.stderr, refused.stderr
        listing = env.cli_ok("listrooms").stdout
        assert "x" * 200 in listing and "x" * 201 not in listing


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
        for twin in ("DAVE", "Dave", "BOSS"):  # only the letter case differs
            response = boss.api("POST", "/api/users", {"username": twin, "password": "pw"})
            assert response.status == 409, (twin, response.status)
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


def error_for(room):
    return lambda f: f.get("error") == "ROOM_ACCESS_DENIED" and f.get("room") == room


def test_demoting_a_staff_member_takes_the_staff_room_from_the_open_socket():
    env = Env(f'api_token = "{TOKEN}"').migrated()
    env.add_user("boss", staff=True)
    env.add_user("carol", staff=True)
    env.add_user("dave", staff=True)
    lobby = env.add_room("Lobby")
    staff_room = env.add_room("Staff", staff_only=True)
    with Server(env) as server:
        boss = logged_in(server, "boss")
        dave_id = [u["id"] for u in boss.api("GET", "/api/users").json()
                   if u["username"] == "dave"][0]
        dave = f"sessionid={logged_in(server, 'dave').session()}"
        carol = f"sessionid={logged_in(server, 'carol').session()}"

        async def scenario():
            demoted = await ws_connect(server, dave)
            witness = await ws_connect(server, carol)
            for room in (staff_room, lobby):
                await ws_send(demoted, command="join", room=room)
                await ws_recv_until(demoted, lambda f, r=room: f.get("join") == str(r))
            await ws_send(witness, command="join", room=staff_room)
            await ws_recv_until(witness, lambda f: f.get("join") == str(staff_room))
            response = await asyncio.to_thread(boss.api, "PATCH", f"/api/users/{dave_id}",
                                               {"is_staff": False})
            assert response.status == 200 and response.json()["is_staff"] is False
            # Told at once, on the socket already open; the others see dave leave.
            await ws_recv_until(demoted, error_for(staff_room))
            await ws_recv_until(witness, lambda f: f.get("msg_type") == 5 and
                                f.get("username") == "dave")
            # The staff room's messages no longer reach it (the lobby's still do) ...
            await ws_send(witness, command="send", room=staff_room, message="staff only")
            await ws_send(witness, command="join", room=lobby)
            await ws_send(witness, command="send", room=lobby, message="marker")
            frame = await ws_recv_until(demoted, lambda f: "message" in f and "error" not in f)
            assert frame["message"] == "marker", frame
            # ... and it cannot send there, re-join, or list its users.
            for command in ({"command": "send", "room": staff_room, "message": "x"},
                            {"command": "join", "room": staff_room},
                            {"command": "room_users", "room": staff_room}):
                await ws_send(demoted, **command)
                await ws_recv_until(demoted, error_for(staff_room))
            await demoted.close()
            await witness.close()
        asyncio.run(scenario())


def test_a_new_password_closes_the_users_open_sockets():
    env, server, lobby = started()
    with server:
        boss = logged_in(server, "boss")
        alice = logged_in(server, "alice")
        alice_id = alice.api("GET", "/api/me").json()["id"]

        async def scenario():
            ws = await ws_connect(server, f"sessionid={alice.session()}")
            await ws_send(ws, command="join", room=lobby)
            await ws_recv(ws)
            response = await asyncio.to_thread(boss.api, "PATCH", f"/api/users/{alice_id}",
                                               {"password": "a new secret"})
            assert response.status == 200
            assert await ws_close_code(ws) == 1008
        asyncio.run(scenario())
        assert alice.api("GET", "/api/me").status == 401


def test_logout_closes_the_sockets_of_that_session_only():
    env, server, lobby = started()
    with server:
        phone = logged_in(server, "alice")
        laptop = logged_in(server, "alice")

        async def scenario():
            on_phone = await ws_connect(server, f"sessionid={phone.session()}")
            on_laptop = await ws_connect(server, f"sessionid={laptop.session()}")
            for ws in (on_phone, on_laptop):
                await ws_send(ws, command="join", room=lobby)
                await ws_recv_until(ws, lambda f: f.get("join") == str(lobby))
            response = await asyncio.to_thread(phone.post_form, "/accounts/logout/", {})
            assert response.status == 302, response.status
            assert await ws_close_code(on_phone) == 1008
            await ws_send(on_laptop, command="send", room=lobby, message="still here")
            frame = await ws_recv_until(on_laptop, lambda f: f.get("message") == "still here")
            assert frame["username"] == "alice"
            await on_laptop.close()
        asyncio.run(scenario())


def test_account_changes_made_by_another_process_reach_open_sockets():
    """The changepassword command and a direct database change (as another process or
    machine would make) reach a running server's open WebSockets within seconds."""
    env = Env().migrated()
    env.add_user("alice")
    env.add_user("dave", staff=True)
    lobby = env.add_room("Lobby")
    staff_room = env.add_room("Staff", staff_only=True)
    with Server(env) as server:
        alice = f"sessionid={logged_in(server, 'alice').session()}"
        dave = f"sessionid={logged_in(server, 'dave').session()}"

        async def scenario():
            on_alice = await ws_connect(server, alice)
            on_dave = await ws_connect(server, dave)
            await ws_send(on_dave, command="join", room=staff_room)
            await ws_recv_until(on_dave, lambda f: f.get("join") == str(staff_room))
            await ws_send(on_alice, command="join", room=lobby)
            await ws_recv(on_alice)
            # Another process demotes dave: his socket leaves the staff room.
            await asyncio.to_thread(env.sql, "UPDATE users SET is_staff = 0 WHERE username = 'dave'")
            await ws_recv_until(on_dave, error_for(staff_room), timeout=10)
            # The changepassword command ends alice's sessions: her socket is closed, and
            # the old cookie opens no new one.
            await asyncio.to_thread(env.cli_ok, "changepassword", "alice", "--no-input",
                                    stdin="a brand new secret\n")
            assert await ws_close_code(on_alice, timeout=10) == 1008
            try:
                refused = await ws_connect(server, alice)
            except Exception:
                refused = None
            assert refused is None, "an ended session opened a WebSocket"
            await on_dave.close()
        asyncio.run(scenario())


if __name__ == "__main__":
    assert BIN, "set WHISPER_SERVER_BIN"
    run_tests(globals())
