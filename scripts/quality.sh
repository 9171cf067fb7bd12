#!/usr/bin/env bash
# Code-quality gate: formatting. (clang-tidy, cppcheck and coverage are added in issue 8.)
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.cc' ':!:build*' 2>/dev/null || true)
[ ${#files[@]} -eq 0 ] && { echo "quality: no sources"; exit 0; }
echo "clang-format: ${#files[@]} files"
clang-format --dry-run -Werror "${files[@]}"
echo "clang-format: clean"
