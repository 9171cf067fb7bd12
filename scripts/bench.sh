#!/usr/bin/env bash
# The `make bench` equivalent: builds whisper-server and whisper-bench (Release), and for
# every workload in docs/benchmarks.md starts a fresh server on a temporary database,
# pinned to core 0, drives it from whisper-bench on core 1, three runs each, then
# prints a table of medians and writes every figure to a JSON file.
#
# Environment (all optional):
#   BENCH_BUILD_DIR  build directory (default build-bench)
#   BENCH_RESULTS    results file (default $BENCH_BUILD_DIR/bench-results.json)
#   BENCH_RUNS       runs per workload (default 3)
#   BENCH_DURATION   measured seconds per run (default 10)
#   BENCH_WORKLOADS  subset to run, e.g. "w1_window1 w4" (default: all but the optional
#                    w1_redis, which W1 across two processes sharing a Redis: name it to run it)
#   BENCH_PORT       server port (default 18080; w1_redis's second server uses the next one)
#   BENCH_SKIP_BUILD set to 1 to use the binaries already built
#   BENCH_IO_BACKENDS     io backends of the server to compare, e.g. "epoll io_uring": each
#                         run of each workload is made once per backend, back to back
#                         (alternating, so the machine's drift hits both alike), and the
#                         table has a row per workload@backend. Default: the server's own
#                         choice (io_backend auto)
#   BENCH_BASELINE_SERVER another whisper-server binary (an earlier version, built
#                         elsewhere) run as one more row, workload@baseline, alternating
#                         with the others under the same whisper-bench: before and after
#                         in one batch
#   BENCH_SERVER_THREADS  whisper-server's io threads (default 1)
#   BENCH_SERVER_CPUS     taskset list for the server(s) and Redis (default 0)
#   BENCH_BENCH_CPUS      taskset list for whisper-bench (default 1)
#   BENCH_BENCH_THREADS   whisper-bench threads (default 1)
#   BENCH_BUSY_POLL       1 (default): whisper-bench polls without sleeping, as it has a
#                         core of its own; 0: it sleeps in epoll_wait, and every frame
#                         that wakes it costs the *server's* sendmsg a cross-core wake-up
#                         (docs/benchmarks.md measures both)
#   BENCH_IO              whisper-bench's I/O: uring (default; each loop turn's reads in one
#                         io_uring submission, its writes in another) or epoll (one read()
#                         or write() per connection); the selftest rows measure the mode
#   BENCH_SWEEP_RATES     the optional `sweep` workload (W2's shape, open loop): msgs/s per
#                         sender, one point each (default "2.5 6.25 12.5 25 50 75 100 150",
#                         i.e. 20k to 1.2M deliveries/s); it also draws BENCH_PLOT
#   BENCH_PLOT       PNG of deliveries/s and p99 against offered load (default
#                    $BENCH_BUILD_DIR/bench-load.png; needs gnuplot)
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BENCH_BUILD_DIR:-build-bench}
results=${BENCH_RESULTS:-$build/bench-results.json}
runs=${BENCH_RUNS:-3}
duration=${BENCH_DURATION:-10}
port=${BENCH_PORT:-18080}
workloads=${BENCH_WORKLOADS:-"selftest selftest_w1 w1_window1 w1_window16 w2 w3 w4"}
server_cpu=${BENCH_SERVER_CPUS:-0}
bench_cpu=${BENCH_BENCH_CPUS:-1}
server_threads=${BENCH_SERVER_THREADS:-1}
bench_threads=${BENCH_BENCH_THREADS:-1}
busy_poll=()
[[ ${BENCH_BUSY_POLL:-1} == 1 ]] && busy_poll=(--busy-poll)
io=(--io "${BENCH_IO:-uring}")
sweep_rates=${BENCH_SWEEP_RATES:-"2.5 6.25 12.5 25 50 75 100 150"}
plot=${BENCH_PLOT:-$build/bench-load.png}

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  # Only the two programs: the tests and examples are not needed to measure.
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DWHISPER_BUILD_TESTS=OFF \
    -DWHISPER_BUILD_EXAMPLES=OFF >/dev/null
  cmake --build "$build" --target whisper-server whisper-bench -j 2
fi
server_bin=$build/apps/whisper-server/whisper-server
bench_bin=$build/apps/whisper-bench/whisper-bench
for bin in "$server_bin" "$bench_bin"; do
  [[ -x $bin ]] || { echo "bench.sh: $bin is missing; build it first" >&2; exit 1; }
done

work=$(mktemp -d /tmp/whisper-bench.XXXXXX)
server_pid=""
server2_pid=""  # w1_redis: the second whisper-server
redis_pid=""    # w1_redis: its redis-server
stop_pid() {
  local pid=$1
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    # Bounded wait for a clean exit, then insist.
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
}
stop_server() {
  stop_pid "$server_pid"
  stop_pid "$server2_pid"
  stop_pid "$redis_pid"
  server_pid="" server2_pid="" redis_pid=""
}
trap 'stop_server; rm -rf "$work"' EXIT

# Server settings for measuring: one event-loop thread (it gets one core), no rate
# limit (the senders are meant to go flat out), quiet logs.
server() {
  "$server_bin" --database "$work/bench.sqlite3" --log-level warn "$@"
}

# One database for all runs: 100 rooms, 1000 users with a session each. Cheap Argon2
# parameters: the users' passwords are never used, only their sessions.
server migrate >/dev/null
for i in $(seq 1 100); do server createroom --title "bench room $i" >/dev/null; done
server --argon2-time-cost 1 --argon2-memory-kib 8 bench-users --count 1000 --prefix bench \
  --cookies "$work/cookies.txt" >/dev/null
room_ids=$(server listrooms | awk '$1 ~ /^[0-9]+$/ {print $1}' | sort -n | head -100)
first_room=$(echo "$room_ids" | head -1)
[[ $(echo "$room_ids" | wc -l) -eq 100 && $(echo "$room_ids" | tail -1) -eq $((first_room + 99)) ]] ||
  { echo "bench.sh: expected 100 consecutive room ids, got: $room_ids" >&2; exit 1; }
rooms() { echo "$((first_room + $1 - 1))-$((first_room + $2 - 1))"; }

# launch_server PORT LOG [flags...]: one whisper-server pinned to the server core; sets
# launched_pid and returns once /healthz answers.
launch_server() {
  local on=$1 log=$2; shift 2
  taskset -c "$server_cpu" "$server_bin" --database "$work/bench.sqlite3" --log-level warn \
    --threads "$server_threads" --commands-per-second 1000000000 --command-burst 1000000000 \
    --max-connections-per-ip 0 --max-connections-per-user 0 "$@" \
    --listen "127.0.0.1:$on" runserver >"$log" 2>&1 &
  launched_pid=$!
  for _ in $(seq 1 100); do
    if curl -fs "http://127.0.0.1:$on/healthz" >/dev/null 2>&1; then return 0; fi
    kill -0 "$launched_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench.sh: whisper-server on port $on did not come up; its log:" >&2
  cat "$log" >&2
  exit 1
}

start_server() {
  launch_server "$port" "$work/server.log"
  server_pid=$launched_pid
  ports=$port pids=$server_pid
}

# w1_redis: a redis-server on a free loopback port and two whisper-servers using it as
# their channel layer, on the same SQLite file (the users' sessions are valid on both).
# All three share the server core, as the one server of the other workloads has it to
# itself: the bench keeps core 1, so the figures stay comparable with W1's (same CPU
# budget, now also paying for Redis and the PUBLISH/subscribe hop), and the bench's
# own cost is not mixed in.
start_redis_pair() {
  local redis_port
  redis_port=$(/usr/bin/python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  taskset -c "$server_cpu" redis-server --port "$redis_port" --bind 127.0.0.1 --save "" \
    --appendonly no >"$work/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 1 100); do
    if redis-cli -p "$redis_port" ping >/dev/null 2>&1; then break; fi
    kill -0 "$redis_pid" 2>/dev/null || { echo "bench.sh: redis-server failed" >&2; exit 1; }
    sleep 0.1
  done
  local layer=(--channel-layer redis --redis-url "redis://127.0.0.1:$redis_port/0")
  launch_server "$port" "$work/server.log" "${layer[@]}"
  server_pid=$launched_pid
  launch_server "$((port + 1))" "$work/server2.log" "${layer[@]}"
  server2_pid=$launched_pid
  # The server CPU figures cover everything on the server core: both servers and Redis.
  ports="$port,$((port + 1))" pids="$server_pid,$server2_pid,$redis_pid"
}

bench() {
  taskset -c "$bench_cpu" "$bench_bin" --port "$ports" --cookies "$work/cookies.txt" \
    --server-pid "$pids" --threads "$bench_threads" "${busy_poll[@]}" "${io[@]}" "$@"
}

# W1's two shapes: 1000 connections in 10 rooms, one sender per room.
w1() { # window, json file
  bench fanout -c 1000 --room-ids "$(rooms 1 10)" -s 10 -w "$1" --warmup 2 -d "$duration" \
    --json-out "$2"
}

run_workload() {
  local name=$1 run=$2 out=$work/$1${3:+@$3}.$2.json
  case $name in
    # The bench's own ceiling: no server, blaster and receiver on two cores. Two windows:
    # the blaster sends one send() per write, then one io_uring submission per pass.
    selftest)
      "$bench_bin" selftest -c 4 --warmup 1 -d "$duration" "${io[@]}" --json-out "$out" \
        | grep -v '^{'
      return ;;
    selftest_w1)  # the ceiling when every frame arrives on its own, as at window 1
      "$bench_bin" selftest -c 1000 --blast-frames 1 --warmup 1 -d "$duration" "${io[@]}" \
        --json-out "$out" | grep -v '^{'
      return ;;
  esac
  if [[ $name == w1_redis ]]; then
    # Both W1 shapes, each on fresh processes as W1 has; every room spans both servers
    # (whisper-bench spreads each room's members and the senders over the ports).
    for window in 1 16; do
      start_redis_pair
      w1 "$window" "$work/w1_redis_window$window.$run.json" | grep -v '^{' || true
      stop_server
    done
    return
  fi
  if [[ $name == sweep ]]; then
    # W2's room at rising offered load, a fresh server per point: where latency turns.
    for rate in $sweep_rates; do
      start_server
      echo "-- sweep: $rate msgs/s per sender"
      bench fanout -c 2000 --room-ids "$(rooms 1 1)" -s 4 --rate "$rate" --warmup 2 \
        -d "$duration" --json-out "$work/sweep_$rate.$run.json" | grep -v '^{' || true
      stop_server
    done
    return
  fi
  start_server
  case $name in
    w1_window1) w1 1 "$out" ;;
    w1_window16) w1 16 "$out" ;;
    # 4 senders, 50 msgs/s between them (12.5 each): ~100k deliveries/s, as the peers ran.
    w2) bench fanout -c 2000 --room-ids "$(rooms 1 1)" -s 4 --rate 12.5 --warmup 2 \
          -d "$duration" --json-out "$out" ;;
    w3) bench idle -c 10000 --room-ids "$(rooms 1 100)" -d 5 --json-out "$out" ;;
    w4) bench connect --room-ids "$(rooms 1 1)" --concurrency 64 --warmup 2 -d "$duration" \
          --json-out "$out" ;;
    *) echo "bench.sh: unknown workload $name" >&2; exit 1 ;;
  esac | grep -v '^{' || true
  stop_server
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "kernel $(uname -r); server(s) and redis on cpu $server_cpu, bench on cpu $bench_cpu; $runs runs x ${duration}s"
echo "whisper-bench: ${bench_threads} thread(s), --io ${BENCH_IO:-uring}${busy_poll:+, busy-polling}; server: ${server_threads} io thread(s)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every figure)"
io_backends=${BENCH_IO_BACKENDS:-}
own_server_bin=$server_bin
if [[ -n ${BENCH_BASELINE_SERVER:-} ]]; then
  [[ -x $BENCH_BASELINE_SERVER ]] || { echo "bench.sh: BENCH_BASELINE_SERVER $BENCH_BASELINE_SERVER is not an executable" >&2; exit 1; }
  io_backends="baseline ${io_backends:-auto}"
fi
rows=""
for name in $workloads; do
  for run in $(seq 1 "$runs"); do
    if [[ -z $io_backends || $name == selftest* || $name == sweep || $name == w1_redis ]]; then
      echo "== $name run $run"
      run_workload "$name" "$run" || echo "bench.sh: $name run $run failed"
      continue
    fi
    for backend in $io_backends; do
      echo "== $name@$backend run $run"
      if [[ $backend == baseline ]]; then
        server_bin=$BENCH_BASELINE_SERVER run_workload "$name" "$run" "$backend" ||
          echo "bench.sh: $name@$backend run $run failed"
      else
        server_bin=$own_server_bin WHISPER_IO_BACKEND=$backend run_workload "$name" "$run" "$backend" ||
          echo "bench.sh: $name@$backend run $run failed"
      fi
    done
  done
  if [[ -z $io_backends || $name == selftest* || $name == sweep || $name == w1_redis ]]; then
    rows+=" $name"
  else
    for backend in $io_backends; do rows+=" $name@$backend"; done
  fi
done

# Medians of the headline figure of each workload, and every run's JSON, in one file.
/usr/bin/python3 - "$work" "$results" "$runs" "$sweep_rates" "$plot" $rows <<'PY'
import json, os, shutil, statistics, subprocess, sys, datetime, platform
work, results, runs, rates, plot, names = (sys.argv[1], sys.argv[2], int(sys.argv[3]),
                                           sys.argv[4].split(), sys.argv[5], sys.argv[6:])
sweep = "sweep" in names
names = [name for name in names if name != "sweep"]
# w1_redis writes one result per W1 shape; the table has a row for each.
names = [row for name in names
         for row in (["w1_redis_window1", "w1_redis_window16"] if name == "w1_redis" else [name])]
headline = {
    "selftest": ("frames/s received", lambda r: r["frames_per_s"]),
    "selftest_w1": ("frames/s received", lambda r: r["frames_per_s"]),
    "w1_window1": ("deliveries/s", lambda r: r["deliveries_per_s"]),
    "w1_window16": ("deliveries/s", lambda r: r["deliveries_per_s"]),
    "w1_redis_window1": ("deliveries/s", lambda r: r["deliveries_per_s"]),
    "w1_redis_window16": ("deliveries/s", lambda r: r["deliveries_per_s"]),
    "w2": ("p99 latency ms", lambda r: r["latency"]["p99_us"] / 1000),
    "w3": ("server KiB/connection", lambda r: r["kib_per_connection"]),
    "w4": ("cycles/s", lambda r: r["cycles_per_s"]),
}
extra = {
    "selftest": lambda r: selftest_note(r),
    "selftest_w1": lambda r: selftest_note(r),
    "w1_window1": lambda r: "lost %d, p99 %.2f ms" % (r["lost"], r["latency"]["p99_us"] / 1000),
    "w1_window16": lambda r: "lost %d, p99 %.2f ms" % (r["lost"], r["latency"]["p99_us"] / 1000),
    "w1_redis_window1": lambda r: "lost %d, p99 %.2f ms" % (r["lost"], r["latency"]["p99_us"] / 1000),
    "w1_redis_window16": lambda r: "lost %d, p99 %.2f ms" % (r["lost"], r["latency"]["p99_us"] / 1000),
    "w2": lambda r: "%.0f deliveries/s, lost %d, server fan-out (write turn) p99 <= %s ms" % (
        r["deliveries_per_s"], r["lost"],
        "%.3g" % (r["server_write_turn_p99_us"] / 1000) if "server_write_turn_p99_us" in r else "?"),
    "w4": lambda r: "cycle p99 %.2f ms, failed %d" % (r["cycle"]["p99_us"] / 1000, r["failed"]),
}
out = {"date": datetime.datetime.utcnow().isoformat() + "Z", "host": platform.node(),
       "cpus": os.cpu_count(), "loadavg": open("/proc/loadavg").read().split()[:3],
       "workloads": {}}

def selftest_note(r):
    # Both floors of the machine (the blaster's CPU per frame sent one send() per write,
    # and batched), with what the bench received while each was in force.
    def window(name):
        w = r.get(name, {})
        return "%.3g us/frame, bench %.3g frames/s (%.3g per CPU-s)" % (
            w.get("blaster_cpu_us_per_frame", 0), w.get("frames_per_s", 0),
            w.get("frames_per_receiver_cpu_s", 0))
    return "io %s: send() per write %s | batched %s" % (
        r.get("io", "?"), window("send_per_write"), window("batched_submission"))

def med(rows, key):
    values = [r[key] for r in rows if isinstance(r.get(key), (int, float)) and r[key] >= 0]
    return statistics.median(values) if values else None

def fmt(value, spec="%.4g"):
    return "-" if value is None else spec % value

if names:
    print("\n%-21s %-22s %11s %8s %8s %9s %9s  %-3s" % ("workload", "figure", "median",
          "srv cpu%", "bch cpu%", "srv us/u", "bch us/u", "ok"))
notes_lines = []
for name in names:
    rows = []
    for run in range(1, runs + 1):
        path = os.path.join(work, "%s.%d.json" % (name, run))
        if os.path.exists(path):
            with open(path) as f:
                rows.append(json.load(f))
    label, pick = headline[name.split("@")[0]]
    good = [r for r in rows if "error" not in r]
    values = [pick(r) for r in good]
    median = statistics.median(values) if values else None
    ok = bool(rows) and all(r.get("ok") for r in rows)
    cpu = {k: med(good, k) for k in ("server_cpu_percent", "bench_cpu_percent",
                                      "server_cpu_us_per_unit", "bench_cpu_us_per_unit")}
    out["workloads"][name] = {"figure": label, "median": median, "values": values,
                              "all_ok": ok, "cpu_medians": cpu, "runs": rows}
    print("%-21s %-22s %11s %8s %8s %9s %9s  %-3s" % (name, label, fmt(median),
          fmt(cpu["server_cpu_percent"], "%.0f"), fmt(cpu["bench_cpu_percent"], "%.0f"),
          fmt(cpu["server_cpu_us_per_unit"], "%.3g"), fmt(cpu["bench_cpu_us_per_unit"], "%.3g"),
          "yes" if ok else "NO"))
    note = "runs: " + ", ".join("%.4g" % v for v in values)
    if name.split("@")[0] in extra and good:
        note += "; " + "; ".join(extra[name.split("@")[0]](r) for r in good)
    notes_lines.append("%-21s %s" % (name, note))
if notes_lines:
    print("\n" + "\n".join(notes_lines))

if sweep:
    # One line per offered load: medians over the runs, then the plot.
    points = []
    for rate in rates:
        rows = []
        for run in range(1, runs + 1):
            path = os.path.join(work, "sweep_%s.%d.json" % (rate, run))
            if os.path.exists(path):
                with open(path) as f:
                    row = json.load(f)
                if "error" not in row:
                    rows.append(row)
        if not rows:
            continue
        offered = float(rate) * rows[0]["senders"] * rows[0]["connections"]
        points.append({"rate_per_sender": float(rate), "offered_deliveries_per_s": offered,
                       "deliveries_per_s": statistics.median(r["deliveries_per_s"] for r in rows),
                       "p99_ms": statistics.median(r["latency"]["p99_us"] / 1000 for r in rows),
                       "p50_ms": statistics.median(r["latency"]["p50_us"] / 1000 for r in rows),
                       "lost": max(r["lost"] for r in rows),
                       "server_cpu_percent": med(rows, "server_cpu_percent")})
    out["sweep"] = points
    print("\n%-14s %-14s %10s %10s %8s %9s" % ("offered/s", "delivered/s", "p50 ms", "p99 ms",
                                               "lost", "srv cpu%"))
    for p in points:
        print("%-14.0f %-14.0f %10.2f %10.2f %8d %9s" % (
            p["offered_deliveries_per_s"], p["deliveries_per_s"], p["p50_ms"], p["p99_ms"],
            p["lost"], fmt(p["server_cpu_percent"], "%.0f")))
    data = os.path.join(work, "sweep.dat")
    with open(data, "w") as f:
        for p in points:
            f.write("%g %g %g %g\n" % (p["offered_deliveries_per_s"] / 1000,
                                        p["deliveries_per_s"] / 1000, p["p99_ms"], p["p50_ms"]))
    if points and shutil.which("gnuplot"):
        subprocess.run(["gnuplot", "-e", "data='%s'; out='%s'; when='%s'" % (
            data, plot, out["date"][:16].replace("T", " ")),
            os.path.join(os.getcwd(), "scripts", "bench-load.gp")], check=True)
        print("plot: " + plot)
    elif points:
        print("gnuplot is not installed: no plot (apt-get install gnuplot-nox)")

with open(results, "w") as f:
    json.dump(out, f, indent=2)
print("\nresults: " + results)
PY
