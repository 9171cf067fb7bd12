#!/usr/bin/env bash
# The image's HEALTHCHECK: GET /healthz on the port container-start.sh listens on, with
# bash alone (the runtime image has no curl). Exit 0 when the server answers 200 (the
# database is usable; a Redis that is down answers 200 "degraded", since the process
# still serves its own clients' rooms), 1 otherwise (503: the database is not usable).
set -uo pipefail
listen=${WHISPER_LISTEN:-0.0.0.0:8000}
port=${listen##*:}
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$port" >&3
status=$(timeout 5 head -n 1 <&3)
[[ $status == "HTTP/1.1 200 "* ]]
