"""whisper-bench with a comma list of ports drives two whisper-server processes sharing
one Redis: every room spans both processes, so the deliveries it counts cross Redis in
both directions, and none is lost."""
import json
import os
import subprocess

from redis_fixture import TwoServers, redis_metrics
from whisper_fixture import BIN, run_tests

BENCH = os.environ.get("WHISPER_BENCH_BIN", "")


def test_bench_fanout_over_two_servers_crosses_redis_both_ways():
    assert BENCH, "set WHISPER_BENCH_BIN"
    # The senders go flat out: the per-connection command rate must not refuse them.
    unlimited = "commands_per_second = 1000000\ncommand_burst = 1000000"
    # Two rooms, an even count: with "connection i to port i % 2" each room would stay on
    # one server; the bench's spread must put both servers in both rooms.
    with TwoServers(rooms=("One", "Two"), extra_config=unlimited) as s:
        cookies = os.path.join(s.env.dir, "cookies.txt")
        s.env.cli_ok("bench-users", "--count", "8", "--prefix", "load", "--cookies", cookies)
        rooms = f'{s.rooms["One"]},{s.rooms["Two"]}'
        run = subprocess.run(
            [BENCH, "fanout", "--port", f"{s.first.port},{s.second.port}", "--cookies", cookies,
             "--room-ids", rooms, "-c", "8", "-s", "2", "-w", "1", "--warmup", "0.3", "-d", "1",
             "--drain", "2", "--timeout", "40"],
            capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stdout + run.stderr
        result = json.loads(run.stdout.strip().splitlines()[-1])
        assert result["ok"] and result["lost"] == 0 and result["received"] > 0, result
        # Each server received events published by the other: the rooms spanned both,
        # and each server had a sender.
        for server in (s.first, s.second):
            samples = redis_metrics(server)
            assert samples["whisper_redis_received_total"] > 0, (server.port, samples)
            assert samples["whisper_redis_published_total"] > 0, (server.port, samples)


if __name__ == "__main__":
    assert BIN, "set WHISPER_SERVER_BIN"
    run_tests(globals())
