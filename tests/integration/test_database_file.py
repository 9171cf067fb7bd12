"""The SQLite file renamed away under the running server, seen from the API and the
account pages: every write (room and user changes, sign-up) answers 503 with the reason,
reads and server-side publishes keep working, /healthz says why, and all of it comes
back once the file is renamed back. (tests/faults/test_database_faults.py covers the
login form, the log line and the chat pair.)"""
import asyncio
import os
import time

from whisper_fixture import (Browser, Env, Server, logged_in, run_tests, ws_connect, ws_recv,
                             ws_recv_until, ws_send)

TOKEN = "t" * 40


def rename_database(env, suffix_from, suffix_to):
    for extra in ("", "-wal", "-shm"):
        if os.path.exists(env.db + extra + suffix_from):
            os.rename(env.db + extra + suffix_from, env.db + extra + suffix_to)


def wait_healthy(browser, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if browser.get("/healthz").status == 200:
            return True
        time.sleep(0.2)
    return False


def test_writes_answer_503_while_the_database_file_is_away_and_work_again_after():
    env = Env(f'api_token = "{TOKEN}"\nsignup_enabled = true').migrated()
    env.add_user("alice")
    lobby = env.add_room("Lobby")
    with Server(env) as server:
        admin = Browser(server)
        member = logged_in(server, "alice")
        cookie = f"sessionid={member.session()}"

        async def scenario():
            ws = await ws_connect(server, cookie)
            await ws_send(ws, command="join", room=lobby)
            assert await ws_recv(ws) == {"join": str(lobby), "title": "Lobby"}

            rename_database(env, "", ".away")
            refused = admin.api("POST", "/api/rooms", {"title": "Ops"}, token=TOKEN)
            assert refused.status == 503, (refused.status, refused.body)
            assert refused.json()["error"] == "DATABASE_UNAVAILABLE", refused.body
            assert "was removed" in refused.json()["message"], refused.body
            assert refused.header("Retry-After"), refused.headers
            assert admin.api("DELETE", f"/api/rooms/{lobby}", token=TOKEN).status == 503
            signup = Browser(server).post_form("/accounts/signup/", {
                "username": "carol", "name": "C", "password1": "pw", "password2": "pw"})
            assert signup.status == 503 and "<html" in signup.body.lower(), signup.status
            health = admin.get("/healthz")
            assert health.status == 503 and env.db in health.json()["reason"], health.body

            # Reads and chat go on: the open file still answers them.
            assert admin.api("GET", "/api/rooms", token=TOKEN).status == 200
            published = admin.api("POST", f"/api/rooms/{lobby}/messages",
                                  {"msg_type": 0, "message": "still on air"}, token=TOKEN)
            assert published.status == 202, (published.status, published.body)
            await ws_recv_until(ws, lambda f: f.get("message") == "still on air")

            rename_database(env, ".away", "")
            assert wait_healthy(admin), "the server did not recover"
            created = admin.api("POST", "/api/rooms", {"title": "Ops"}, token=TOKEN)
            assert created.status == 201, (created.status, created.body)
            await ws.close()
        asyncio.run(scenario())
    # The room made after the recovery is in the file on disk, so a restart keeps it.
    assert "Ops" in env.cli_ok("listrooms").stdout


if __name__ == "__main__":
    run_tests(globals())
