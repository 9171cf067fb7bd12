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

# whisper-server without this script's own variables: they are not settings (it would
# warn about each), and the admin password must not linger in the server's environment.
whisper() {
  env -u WHISPER_ADMIN_PASSWORD -u WHISPER_ADMIN_USER -u WHISPER_LISTEN -u WHISPER_BIN "$@"
}
whisper "$bin" migrate
if [ -n "${WHISPER_ADMIN_PASSWORD:-}" ] && [ -z "$(whisper "$bin" listusers | tail -n +2)" ]; then
  whisper WHISPER_PASSWORD="$WHISPER_ADMIN_PASSWORD" "$bin" createsuperuser \
    --username "${WHISPER_ADMIN_USER:-admin}" --no-input
fi
exec env -u WHISPER_ADMIN_PASSWORD -u WHISPER_ADMIN_USER -u WHISPER_LISTEN -u WHISPER_BIN \
  "$bin" runserver "$listen"
