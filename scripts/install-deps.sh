#!/usr/bin/env bash
# Installs the Debian 12 packages whisper needs to build, run and test, only those that
# are missing. Runs apt-get as root, or through sudo. Usage: scripts/install-deps.sh [run|test]
set -euo pipefail
what=${1:-test}

run_pkgs=(build-essential cmake pkg-config libasio-dev libwebsocketpp-dev libboost-json1.81-dev
          libargon2-dev libsqlite3-dev libhiredis-dev libcli11-dev libspdlog-dev libfmt-dev
          libtomlplusplus-dev libssl-dev doctest-dev libsystemd-dev liburing-dev)
test_pkgs=(redis-server python3-websockets python3-yaml systemd chromium nodejs npm clang libclang-rt-14-dev
           clang-format clang-tidy cppcheck gcovr nginx openssl)

pkgs=("${run_pkgs[@]}")
[ "$what" = test ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from elsewhere than Debian (node/npm already on PATH): do not fight it.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]}"
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "error: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
