"""GET /metrics against the real server: the Prometheus text format, values that move
with a login and a chat exchange, and access per `metrics` mode (off/local/public/token)."""
import asyncio
import re
import socket
import time

from whisper_fixture import (Browser, Env, Server, logged_in, run_tests, ws_connect, ws_recv,
                             ws_recv_until, ws_send)

TOKEN = "metrics-test-token-0123456789"


def started(extra_config=""):
    env = Env(extra_config).migrated()
    env.add_user("alice")
    env.add_user("bob")
    lobby = env.add_room("Lobby")
    return env, Server(env), lobby


def scrape(server, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else None
    return Browser(server).request("GET", "/metrics", headers=headers)


def values(body):
    """{'name{labels}': float} for every sample line."""
    samples = {}
    for line in body.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def test_metrics_are_prometheus_text_with_help_and_type():
    env, server, _ = started()
    with server:
        response = scrape(server)
        assert response.status == 200, response.status
        assert response.header("content-type").startswith("text/plain; version=0.0.4")
        declared = set()
        for line in response.body.splitlines():
            if line.startswith("# TYPE "):
                declared.add(line.split()[2])
            elif line and not line.startswith("# HELP "):
                assert re.fullmatch(
                    r'(whisper|process)_[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? \S+',
                    line), line
                family = re.sub(r"(_bucket|_sum|_count)$", "", line.split("{")[0].split(" ")[0])
                assert family in declared or line.split("{")[0].split(" ")[0] in declared, line
        samples = values(response.body)
        for name in ("whisper_connections_open", "whisper_rooms", "whisper_http_requests_total",
                     'whisper_upgrades_refused_total{reason="ip_limit"}',
                     'whisper_upgrades_refused_total{reason="user_limit"}',
                     'whisper_logins_total{result="throttled"}',
                     'whisper_fanout_latency_seconds_bucket{le="+Inf"}',
                     "whisper_transport_websockets_open",
                     'whisper_transport_closes_total{reason="slow"}',
                     "whisper_tls_handshakes_failed_total"):
            assert name in samples, name
        assert samples["whisper_rooms"] == 1


def test_login_and_chat_exchange_move_the_counters():
    env, server, lobby = started()
    with server:
        before = values(scrape(server).body)
        alice = logged_in(server, "alice")
        bob = logged_in(server, "bob")
        Browser(server).login("alice", "wrong password")

        async def scenario():
            wa = await ws_connect(server, f"sessionid={alice.session()}")
            wb = await ws_connect(server, f"sessionid={bob.session()}")
            for ws in (wa, wb):
                await ws_send(ws, command="join", room=lobby)
                await ws_recv_until(ws, lambda f: f.get("join") == str(lobby))
            await ws_send(wa, command="send", room=lobby, message="hello")
            for ws in (wa, wb):
                await ws_recv_until(ws, lambda f: f.get("message") == "hello")
            during = values(scrape(server).body)
            await ws_send(wa, command="leave", room=lobby)
            await ws_recv_until(wa, lambda f: f.get("leave") == str(lobby))
            await wa.close()
            await wb.close()
            return during
        during = asyncio.run(scenario())
        assert during["whisper_connections_open"] == before["whisper_connections_open"] + 2
        after = values(scrape(server).body)

        def moved(name):
            return after[name] - before[name]
        assert moved('whisper_logins_total{result="ok"}') == 2
        assert moved('whisper_logins_total{result="failed"}') == 1
        assert moved("whisper_upgrades_accepted_total") == 2
        assert moved("whisper_connections_opened_total") == 2
        assert moved("whisper_joins_total") == 2
        assert moved("whisper_leaves_total") >= 1
        assert moved("whisper_messages_in_total") == 1
        assert moved("whisper_deliveries_total") >= 2
        assert moved("whisper_http_requests_total") >= 6
        assert moved('whisper_fanout_latency_seconds_bucket{le="+Inf"}') == 1
        assert moved("whisper_fanout_latency_seconds_count") == 1
        assert after["whisper_fanout_latency_seconds_sum"] > before[
            "whisper_fanout_latency_seconds_sum"]


def test_refused_upgrades_are_counted_by_reason():
    env, server, _ = started()
    with server:
        before = values(scrape(server).body)
        alice = logged_in(server, "alice")

        async def scenario():
            for cookie, origin in ((None, None), (f"sessionid={alice.session()}",
                                                  "http://evil.example")):
                try:
                    ws = await ws_connect(server, cookie, origin)
                    await ws.close()
                    raise AssertionError("the upgrade was accepted")
                except Exception as e:  # websockets' InvalidStatusCode
                    assert "403" in str(e), e
        asyncio.run(scenario())
        after = values(scrape(server).body)
        assert after['whisper_upgrades_refused_total{reason="auth"}'] == before[
            'whisper_upgrades_refused_total{reason="auth"}'] + 1
        assert after['whisper_upgrades_refused_total{reason="origin"}'] == before[
            'whisper_upgrades_refused_total{reason="origin"}'] + 1


def test_process_metrics_and_build_info_are_exported():
    env, server, _ = started()
    with server:
        samples = values(scrape(server).body)
        assert samples["process_resident_memory_bytes"] > 1_000_000, samples
        assert samples["process_open_fds"] >= 4, samples
        assert samples["process_cpu_seconds_total"] > 0, samples
        assert abs(samples["process_start_time_seconds"] - time.time()) < 600, samples
        version = re.search(r"whisper-server (\S+)", env.cli("--version").stdout).group(1)
        build = [k for k in samples if k.startswith("whisper_build_info{")]
        assert len(build) == 1 and f'version="{version}"' in build[0], build
        assert samples[build[0]] == 1


def test_http_responses_are_counted_by_route_class_and_status():
    env, server, _ = started()
    with server:
        browser = Browser(server)
        assert browser.get("/accounts/login/").status == 200
        for _ in range(3):
            assert browser.get("/no/such/page").status == 404
        samples = values(scrape(server).body)
        assert samples['whisper_http_responses_total{route="accounts",status="200"}'] == 1, samples
        assert samples['whisper_http_responses_total{route="other",status="404"}'] == 3, samples


def test_healthz_names_the_database_and_a_redis_that_is_down():
    env, server, _ = started()
    with server:
        health = Browser(server).get("/healthz")
        assert health.status == 200 and health.json() == {"status": "ok", "database": "ok"}, \
            health.body
    if "Redis layer: yes" not in env.cli("--version").stdout:
        return
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: Redis is down from the start
    with Server(env, "--channel-layer", "redis", "--redis-url", f"redis://127.0.0.1:{port}/0",
                "--redis-retry-on-start", "true") as degraded:
        health = Browser(degraded).get("/healthz")
        # Chat still works within the process: not pulled from service, but visibly degraded.
        assert health.status == 200, health.body
        assert health.json() == {"status": "degraded", "database": "ok", "redis": "down"}, \
            health.body


def test_metrics_off_answers_404():
    env, server, _ = started('metrics = "off"')
    with server:
        assert scrape(server).status == 404
        assert scrape(server, TOKEN).status == 404


def test_metrics_local_answers_loopback_clients():
    # The suite only runs on 127.0.0.1; the refusal of other peers is in the 'token'
    # test below (same code path) and the default is checked here.
    env, server, _ = started()
    with server:
        response = scrape(server)
        assert response.status == 200 and "whisper_connections_open" in response.body


def test_metrics_token_needs_the_api_token():
    env, server, _ = started(f'metrics = "token"\napi_token = "{TOKEN}"')
    with server:
        assert scrape(server).status == 403
        assert scrape(server, "wrong-token").status == 403
        assert logged_in(server, "alice").get("/metrics").status == 403
        response = scrape(server, TOKEN)
        assert response.status == 200 and "whisper_rooms 1" in response.body


def test_metrics_public_answers_anyone():
    env, server, _ = started('metrics = "public"')
    with server:
        assert scrape(server).status == 200


def test_metrics_token_mode_without_api_token_is_a_config_error():
    # The configuration is checked before the database is opened.
    result = Env('metrics = "token"').cli("listrooms")
    assert result.returncode == 2, result
    assert "api_token" in result.stderr


if __name__ == "__main__":
    run_tests(globals())
