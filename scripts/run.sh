#!/usr/bin/env bash
# The README's run command: installs what is missing, builds whisper-server, and starts
# it on the embedded default (SQLite file ./whisper.db, in-process channel layer).
# On the first run it migrates the database, creates an `admin` superuser whose
# generated password it prints once, and two rooms (one staff-only).
# Usage: scripts/run.sh [ADDR:PORT]    (default 127.0.0.1:8000)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh run

build=${WHISPER_BUILD_DIR:-build-release}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DWHISPER_BUILD_TESTS=OFF \
      -DWHISPER_BUILD_BENCH=OFF -DWHISPER_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" --target whisper-server -j "$(nproc)"

exec "$build/apps/whisper-server/whisper-server" --database "${WHISPER_DATABASE:-whisper.db}" \
     quickstart "${1:-127.0.0.1:8000}"
