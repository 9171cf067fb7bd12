#!/usr/bin/env bash
# Usage: cg_run.sh NAME MEASURE_SECONDS -- bench args...
# Server under callgrind (instrumentation off until the load starts), bench native.
set -uo pipefail
name=$1; measure=$2; shift 3
S=${SERVER_BIN:-${PROFILE_DIR:-/tmp/perf}/build2/apps/whisper-server/whisper-server}
B=${PROFILE_DIR:-/tmp/perf}/bin/whisper-bench-release
W=${PROFILE_DIR:-/tmp/perf}/db; R=${PROFILE_DIR:-/tmp/perf}/runs/$name; rm -rf $R; mkdir -p $R
port=18181
timeout 900 valgrind --tool=callgrind --instr-atstart=no --collect-atstart=yes \
  --callgrind-out-file=$R/cg.out.%p --collect-systime=usec \
  "$S" --database "$W/bench.sqlite3" --log-level warn --threads 1 \
  --commands-per-second 1000000000 --command-burst 1000000000 \
  --listen 127.0.0.1:$port runserver > $R/server.log 2>&1 &
tpid=$!
sleep 0.5; vpid=$(pgrep -P $tpid); echo valgrind pid $vpid
echo $vpid > $R/server.pid
for i in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
echo "server up after $i tries"
timeout 800 "$B" --port $port --cookies $W/cookies.txt --server-pid $vpid --timeout 780 "$@" \
  --json-out $R/bench.json > $R/bench.log 2>&1 &
bpid=$!
# wait for the load phase
marker=${MARKER:-sending:}
for i in $(seq 1 3000); do grep -q "$marker" $R/bench.log && break; kill -0 $bpid 2>/dev/null || break; sleep 0.2; done
sleep ${SETTLE:-2}
callgrind_control -z $vpid >/dev/null; callgrind_control -i on $vpid > /dev/null
date +%s.%N > $R/t_on
sleep $measure
callgrind_control -d "window" $vpid > /dev/null; callgrind_control -i off $vpid >/dev/null
date +%s.%N > $R/t_off
wait $bpid; echo "bench rc $?"
kill $vpid; wait $tpid
ls -la $R
