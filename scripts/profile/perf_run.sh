#!/usr/bin/env bash
# Usage: perf_run.sh NAME SECONDS MARKER -- bench args  (native release server, perf cpu-clock sampling)
set -uo pipefail
name=$1; secs=$2; marker=$3; shift 4
S=${SERVER_BIN:-${PROFILE_DIR:-/tmp/perf}/bin/whisper-server-release}; B=${PROFILE_DIR:-/tmp/perf}/bin/whisper-bench-release; W=${PROFILE_DIR:-/tmp/perf}/db
R=${PROFILE_DIR:-/tmp/perf}/runs/$name; rm -rf $R; mkdir -p $R
timeout 120 taskset -c 0 $S --database $W/bench.sqlite3 --log-level warn --threads 1 --commands-per-second 1000000000 --command-burst 1000000000 --listen 127.0.0.1:18184 runserver >$R/server.log 2>&1 &
t=$!; sleep 0.5; spid=$(pgrep -P $t)
for i in $(seq 50); do curl -fs http://127.0.0.1:18184/healthz >/dev/null && break; sleep 0.1; done
timeout 100 taskset -c 1 $B --port 18184 --cookies $W/cookies.txt "$@" --json-out $R/bench.json > $R/bench.log 2>&1 &
b=$!
for i in $(seq 1 600); do grep -q "$marker" $R/bench.log && break; sleep 0.1; done
sleep 1
timeout -s INT $secs perf record -F 4000 -e cpu-clock -g -p $spid -o $R/perf.data > $R/perf.log 2>&1
wait $b; kill $spid; wait $t
perf report -i $R/perf.data --stdio --no-children --sort sym 2>/dev/null | grep -v "^$" | grep "%" | head -60 > $R/flat.txt
perf report -i $R/perf.data --stdio --no-children --sort dso 2>/dev/null | grep "%" | head > $R/dso.txt
cat $R/dso.txt; head -45 $R/flat.txt
