#!/usr/bin/env bash
# Starts whisper-server in a container (or any fresh host): migrates the database,
# creates the first superuser from WHISPER_ADMIN_USER / WHISPER_ADMIN_PASSWORD when the
# database has no user yet, then serves. Every setting comes from WHISPER_* variables
# (docs/configuration.md), e.g. WHISPER_CHANNEL_LAYER=redis WHISPER_REDIS_URL=redis://redis:6379/0.
set -euo pipefail
bin=${WHISPER_BIN:-whisper-server}
listen=${WHISPER_LISTEN:-0.0.0.0:8000}
export WHISPER_DATABASE=${WHISPER_DATABASE:-/var/lib/whisper/whisper.db}
mkdir -p "$(dirname "$WHISPER_DATABASE")"

"$bin" migrate
if [ -n "${WHISPER_ADMIN_PASSWORD:-}" ] && [ -z "$("$bin" listusers | tail -n +2)" ]; then
  WHISPER_PASSWORD=$WHISPER_ADMIN_PASSWORD "$bin" createsuperuser \
    --username "${WHISPER_ADMIN_USER:-admin}" --no-input
fi
exec "$bin" runserver "$listen"
