#!/usr/bin/env bash
# Same DB setup as scripts/bench.sh, into ${PROFILE_DIR:-/tmp/perf}/db
set -euo pipefail
S=${SERVER_BIN:-${PROFILE_DIR:-/tmp/perf}/build2/apps/whisper-server/whisper-server}
W=${PROFILE_DIR:-/tmp/perf}/db; rm -rf $W; mkdir -p $W
server() { "$S" --database "$W/bench.sqlite3" --log-level warn "$@"; }
server migrate >/dev/null
for i in $(seq 1 100); do server createroom --title "bench room $i" >/dev/null; done
server --argon2-time-cost 1 --argon2-memory-kib 8 bench-users --count 1000 --prefix bench --cookies "$W/cookies.txt" >/dev/null
server listrooms | awk '$1 ~ /^[0-9]+$/ {print $1}' | sort -n | head -100 > $W/rooms.txt
echo first room $(head -1 $W/rooms.txt)
