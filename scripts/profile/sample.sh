#!/usr/bin/env bash
# sample thread states of server during a W1 window-1 run
S=${PROFILE_DIR:-/tmp/perf}/bin/whisper-server-release; B=${PROFILE_DIR:-/tmp/perf}/bin/whisper-bench-release; W=${PROFILE_DIR:-/tmp/perf}/db
timeout 60 taskset -c 0 $S --database $W/bench.sqlite3 --log-level warn --threads 1 --commands-per-second 1000000000 --command-burst 1000000000 --listen 127.0.0.1:18183 runserver >/dev/null 2>&1 &
t=$!; sleep 0.5; spid=$(pgrep -P $t)
for i in $(seq 50); do curl -fs http://127.0.0.1:18183/healthz >/dev/null && break; sleep 0.1; done
timeout 50 taskset -c 1 $B --port 18183 --cookies $W/cookies.txt fanout -c 1000 --room-ids 1-10 -s 10 -w 1 --warmup 1 -d 6 > ${PROFILE_DIR:-/tmp/perf}/runs/sample_bench.log 2>&1 &
b=$!
sleep 6
for tid in $(ls /proc/$spid/task); do echo "tid $tid $(cat /proc/$spid/task/$tid/comm) $(grep ctxt /proc/$spid/task/$tid/status | tr '\n' ' ')"; done
for i in $(seq 20); do for tid in $(ls /proc/$spid/task); do s=$(cut -d' ' -f3 /proc/$spid/task/$tid/stat); echo -n "$tid:$s:$(cat /proc/$spid/task/$tid/syscall | cut -d' ' -f1,4) "; done; echo; sleep 0.05; done
for tid in $(ls /proc/$spid/task); do echo "tid $tid $(grep ctxt /proc/$spid/task/$tid/status | tr '\n' ' ')"; done
wait $b; kill $spid; wait $t
