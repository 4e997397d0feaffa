#!/usr/bin/env bash
# Benchmark `idxlint check --format json` on a synthetic monorepo, next to ripgrep as the
# floor (reading every file once and matching a regex is the least a linter must do).
#
# Usage: bench/run.sh [OUT_DIR]
#   FILES=20000 MIGRATIONS=2000 SQL_FRACTION=0.2 RUNS=5 bench/run.sh
#   KEEP=1 keeps the generated tree; REUSE=1 reuses OUT_DIR if it already holds one.
#
# Needs: python3, cargo, ripgrep (`rg`), GNU time (`/usr/bin/time`). Optional: hyperfine.
# Prints files/s, MB/s, median wall time and peak RSS of each tool, as a table.
set -euo pipefail

FILES=${FILES:-20000}
MIGRATIONS=${MIGRATIONS:-2000}
SQL_FRACTION=${SQL_FRACTION:-0.2}
RUNS=${RUNS:-5}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

missing=0
need() {
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "missing: $1 ($2)" >&2
        missing=1
    fi
}
need python3 "install Python 3"
need cargo "install Rust with rustup"
need rg "Debian/Ubuntu: apt-get install ripgrep; macOS: brew install ripgrep"
if ! /usr/bin/time -f %e true >/dev/null 2>&1; then
    echo "missing: GNU time at /usr/bin/time (Debian/Ubuntu: apt-get install time)" >&2
    missing=1
fi
[ "$missing" = 0 ] || exit 2

out=${1:-}
if [ -z "$out" ]; then
    out=$(mktemp -d "${TMPDIR:-/tmp}/idxlint-bench.XXXXXX")
    [ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$out"' EXIT
fi
tree="$out/repo"
if [ "${REUSE:-0}" = 1 ] && [ -d "$tree/db" ]; then
    echo "reusing $tree"
else
    rm -rf "$tree"
    python3 "$here/gen.py" "$tree" --files "$FILES" --migrations "$MIGRATIONS" \
        --sql-fraction "$SQL_FRACTION"
fi

echo "building idxlint (release)..."
(cd "$repo" && cargo build --release --quiet)
bin="$repo/target/release/idxlint"

nfiles=$(find "$tree" -type f | wc -l)
bytes=$(find "$tree" -type f -printf '%s\n' | awk '{s += $1} END {print s}')

# measure NAME CMD...: run CMD $RUNS times after one warm-up; keep wall seconds and peak
# RSS (KiB) of each run in $out/NAME.times.
measure() {
    local name=$1
    shift
    "$@" >/dev/null 2>&1 || true
    : >"$out/$name.times"
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f '%e %M' -o "$out/$name.one" "$@" >/dev/null 2>"$out/$name.err" || true
        tail -n 1 "$out/$name.one" >>"$out/$name.times"
    done
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

measure idxlint "$bin" check --format json "$tree"
measure rg rg -c 'SELECT|CREATE' "$tree"

"$bin" check --format json "$tree" >"$out/idxlint.json" 2>/dev/null || true
summary=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["summary"])' "$out/idxlint.json")

printf '\ntree: %s files, %.1f MB (%s source files, %s migrations); %s runs, median\n' \
    "$nfiles" "$(awk -v b="$bytes" 'BEGIN {print b / 1e6}')" "$FILES" "$MIGRATIONS" "$RUNS"
printf 'idxlint summary: %s\n\n' "$summary"
printf '%-10s %10s %12s %10s %14s\n' tool 'wall (s)' 'files/s' 'MB/s' 'peak RSS (MB)'
for name in idxlint rg; do
    wall=$(cut -d' ' -f1 "$out/$name.times" | median)
    rss=$(cut -d' ' -f2 "$out/$name.times" | median)
    awk -v n="$name" -v w="$wall" -v r="$rss" -v f="$nfiles" -v b="$bytes" 'BEGIN {
        ws = (w > 0) ? w : 0.005
        printf "%-10s %10.2f %12.0f %10.1f %14.1f\n", n, w, f / ws, b / 1e6 / ws, r / 1024
    }'
done
iw=$(cut -d' ' -f1 "$out/idxlint.times" | median)
rw=$(cut -d' ' -f1 "$out/rg.times" | median)
awk -v i="$iw" -v r="$rw" 'BEGIN { if (r > 0) printf "\nidxlint / rg wall time: %.2fx\n", i / r }'

if command -v hyperfine >/dev/null 2>&1; then
    echo
    hyperfine --warmup 1 --runs "$RUNS" --ignore-failure \
        "$bin check --format json $tree" "rg -c 'SELECT|CREATE' $tree"
fi
