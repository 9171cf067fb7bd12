"""What every fault test checks at the end, and the command-line entry point."""

import argparse
import os
import resource
import sys
import time
import traceback


# Under AddressSanitizer the server's RSS says nothing about its own memory use: freed
# blocks wait in ASan's quarantine and shadow memory grows with each allocation. The
# sanitizer stage of scripts/test.sh sets WHISPER_FAULTS_SANITIZED=1; there the tests
# still check behaviour (and ASan checks memory safety), and the memory bounds are checked
# in the unsanitized build of stage 1.
MEMORY_BOUNDS_CHECKED = os.environ.get("WHISPER_FAULTS_SANITIZED") != "1"


class Failures:
    """Collects failed expectations; a test fails if any was recorded."""

    def __init__(self):
        self.items = []

    def expect(self, condition, message):
        if not condition:
            self.items.append(message)
            print("FAIL:", message, flush=True)
        return condition

    def extend(self, messages):
        for m in messages:
            self.expect(False, m)


def settle_rss(server, baseline_kib, slack_kib, seconds=30):
    """Waits (bounded) for the server's RSS to come back within `slack_kib` of the
    baseline; returns the last reading. Memory freed late (allocator caches) gets time."""
    deadline = time.monotonic() + seconds
    rss = server.rss_kib()
    while rss > baseline_kib + slack_kib and time.monotonic() < deadline:
        time.sleep(0.5)
        rss = server.rss_kib()
    return rss


def check_server_end_state(failures, server, pair, baseline_kib, slack_kib):
    """The three promises of every fault test: the server is up, the well-behaved pair
    lost nothing, and memory returned near its baseline."""
    failures.expect(server.alive(), "the server exited (code %s); log tail:\n%s" %
                    (server.proc.poll(), server.log_text()[-3000:]))
    if pair is not None:
        failures.extend(pair.problems())
    if server.alive() and not MEMORY_BOUNDS_CHECKED:
        print("rss: not checked (sanitized server)", flush=True)
    elif server.alive():
        rss = settle_rss(server, baseline_kib, slack_kib)
        print("rss: baseline %d KiB, after %d KiB (allowed +%d KiB)" %
              (baseline_kib, rss, slack_kib), flush=True)
        failures.expect(rss <= baseline_kib + slack_kib,
                        "server RSS %d KiB did not return near its baseline %d KiB (+%d)" %
                        (rss, baseline_kib, slack_kib))
    if failures.items:
        # The temporary directory goes away with the server: show its log now.
        print("--- server log (tail) ---\n" + server.log_text()[-4000:], flush=True)


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def main(scenario):
    """Runs `scenario(server_binary, failures)`; exit status 0 only if nothing failed."""
    parser = argparse.ArgumentParser(description=scenario.__doc__)
    parser.add_argument("--server", required=True, help="path of the whisper-server binary")
    args = parser.parse_args()
    failures = Failures()
    try:
        scenario(args.server, failures)
    except Exception:  # a crash of the test itself is a failure too, with its trace
        traceback.print_exc()
        failures.expect(False, "the scenario raised an exception")
    if failures.items:
        print("%d expectation(s) failed" % len(failures.items))
        sys.exit(1)
    print("ok")
