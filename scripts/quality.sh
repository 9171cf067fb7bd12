#!/usr/bin/env bash
# The code-quality gate (the original's "cq"): formatting, static analysis, coverage.
#   scripts/quality.sh [BUILD_DIR]
# BUILD_DIR holds compile_commands.json (for clang-tidy) and, when it was built with
# -DWHISPER_COVERAGE=ON and its tests have run, the coverage data gcovr reports on.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
jobs=$(nproc)

# Our own code: not third-party, not build trees, not node_modules.
mapfile -t sources < <(git ls-files --cached --others --exclude-standard \
  '*.cpp' '*.hpp' '*.h' | grep -vE '^(build|third_party)|node_modules' || true)
[ ${#sources[@]} -gt 0 ] || { echo "quality: no sources"; exit 0; }

echo "--- clang-format (${#sources[@]} files)"
clang-format --dry-run -Werror "${sources[@]}"
echo "clang-format: clean"

echo "--- cppcheck"
cppcheck --enable=warning,performance,portability --std=c++17 --inline-suppr --quiet \
  --suppress=missingIncludeSystem --error-exitcode=1 -j "$jobs" \
  -I libwhisper/include -I "$build/libwhisper/generated" \
  libwhisper apps examples
echo "cppcheck: clean"

echo "--- clang-tidy (.clang-tidy checks)"
[ -f "$build/compile_commands.json" ] || { echo "no $build/compile_commands.json: configure first" >&2; exit 1; }
# The translation units the build knows, limited to the library, the apps and examples.
mapfile -t units < <(python3 - "$build/compile_commands.json" <<'PY'
import json, os, sys
root = os.getcwd()
seen = set()
for entry in json.load(open(sys.argv[1])):
    f = os.path.relpath(os.path.join(entry["directory"], entry["file"]), root)
    if f.startswith(("libwhisper/", "apps/", "examples/")) and "/tests/" not in f and f not in seen:
        seen.add(f); print(f)
PY
)
printf '%s\n' "${units[@]}" | xargs -P "$jobs" -n 4 clang-tidy -p "$build" --quiet 2>&1 |
  grep -vE '^[0-9]+ warnings? generated|^Suppressed|^Use -header-filter|^$' | tee /tmp/whisper-clang-tidy.log || true
if grep -qE '(warning|error):' /tmp/whisper-clang-tidy.log; then
  echo "clang-tidy: findings above" >&2; exit 1
fi
echo "clang-tidy: clean (${#units[@]} translation units)"

if compgen -G "$build/**/*.gcda" >/dev/null || find "$build" -name '*.gcda' -print -quit | grep -q .; then
  echo "--- coverage (gcovr)"
  # Counters are updated atomically (-fprofile-update=atomic); should gcov still print a
  # line gcovr cannot parse (a negative count from an older build), skip it, keep the report.
  gcovr --root . --object-directory "$build" --filter 'libwhisper/' --filter 'apps/' \
        --gcov-ignore-parse-errors \
        --exclude '.*/tests/.*' --print-summary --txt "$build/coverage.txt" \
        --html-details "$build/coverage.html" | tail -3
  echo "coverage report: $build/coverage.html"
fi
