#!/bin/sh
# clang-tidy (checks and the reason for each exception: .clang-tidy) over
# the userspace C this build compiles: libaccel, sim (C model, co-sim
# daemon), tools, bench, the firmware's host build and the tests, flags
# from compile_commands.json. Any finding fails.
# usage: clang_tidy.sh SOURCE_DIR BUILD_DIR [JOBS]   (77 = skipped)
# One clang-tidy process per file: clang-tidy 14 given several files
# carries the analyzer's va_list state from one into the next and reports
# "uninitialized va_list" in the later ones.
set -u
src=${1:?usage: clang_tidy.sh SOURCE_DIR BUILD_DIR [JOBS]}
build=${2:?usage: clang_tidy.sh SOURCE_DIR BUILD_DIR [JOBS]}
jobs=${3:-2}
command -v clang-tidy >/dev/null || { echo "clang-tidy missing: skip"; exit 77; }
db=$build/compile_commands.json
[ -f "$db" ] || { echo "clang_tidy.sh: no $db (CMAKE_EXPORT_COMPILE_COMMANDS)"; exit 2; }
list=$build/clang-tidy-files.txt
log=$build/clang-tidy.log
python3 - "$src" "$db" >"$list" <<'PY' || exit 2
import json, os, sys
src = os.path.realpath(sys.argv[1])
dirs = ("libaccel", "sim", "tools", "bench", "firmware", "tests")
seen = set()
for e in json.load(open(sys.argv[2])):
    f = os.path.realpath(os.path.join(e["directory"], e["file"]))
    rel = os.path.relpath(f, src)
    if f.endswith(".c") and rel.split(os.sep)[0] in dirs and f not in seen:
        seen.add(f)
        print(f)
PY
n=$(wc -l <"$list")
[ "$n" -gt 0 ] || { echo "clang_tidy.sh: no C files in $db"; exit 2; }
# xargs exits 123 when any clang-tidy failed; the log names the findings
xargs -n1 -P"$jobs" clang-tidy -p "$build" --quiet <"$list" >"$log" 2>/dev/null
rc=$?
findings=$(grep -cE '^/.*:[0-9]+:[0-9]+: (warning|error):' "$log")
grep -E '^/.*:[0-9]+:[0-9]+: (warning|error):' "$log" | sort -u
echo "clang-tidy: $n files, $findings findings (full output: $log)"
[ "$rc" = 0 ] && [ "$findings" = 0 ]
