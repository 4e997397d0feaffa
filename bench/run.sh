#!/usr/bin/env bash
# Benchmark `idxlint check` on synthetic monorepos of growing size, next to ripgrep as the
# floor (reading every file once and matching a regex is the least a linter must do).
#
# Usage: bench/run.sh [OUT_DIR]
#   SCALES="1 4 16" FILES=2000 MIGRATIONS=200 SQL_FRACTION=0.2 RUNS=3 bench/run.sh
#   BIG_MB=50 bench/run.sh      # also one migration of 50 MB, alone in its tree
#   KEEP=1 keeps the generated trees; REUSE=1 reuses OUT_DIR if it already holds them.
#   FORMAT=human measures the human report instead of JSON.
#
# Each scale S generates FILES*S source files and MIGRATIONS*S migrations (bench/gen.py), so
# linear scaling shows as constant MB/s down the table.
#
# Needs: python3, cargo, ripgrep (`rg`), GNU time (`/usr/bin/time`; Debian: apt-get install
# time). Prints, per tree and tool: median wall time, CPU time (user + system: the figure to
# read on a loaded machine), MB/s (from wall time) and peak RSS.
# IDXLINT=path/to/idxlint skips the release build and measures that binary.
set -euo pipefail

SCALES=${SCALES:-"1 4 16"}
FILES=${FILES:-2000}
MIGRATIONS=${MIGRATIONS:-200}
SQL_FRACTION=${SQL_FRACTION:-0.2}
RUNS=${RUNS:-3}
BIG_MB=${BIG_MB:-0}
FORMAT=${FORMAT:-json}
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
mkdir -p "$out"

if [ -z "${IDXLINT:-}" ]; then
    echo "building idxlint (release)..."
    (cd "$repo" && cargo build --release --quiet)
fi
bin=${IDXLINT:-"$repo/target/release/idxlint"}

# measure NAME CMD...: run CMD $RUNS times after one warm-up; keep wall seconds, peak RSS
# (KiB), user and system CPU seconds of each run in $out/NAME.times.
measure() {
    local name=$1
    shift
    "$@" >/dev/null 2>&1 || true
    : >"$out/$name.times"
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f '%e %M %U %S' -o "$out/$name.one" "$@" >/dev/null 2>"$out/$name.err" || true
        tail -n 1 "$out/$name.one" >>"$out/$name.times"
    done
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

rows=()
# bench_tree LABEL TREE: measure idxlint and rg on TREE, append table rows.
bench_tree() {
    local label=$1 tree=$2
    local nfiles bytes
    nfiles=$(find "$tree" -type f | wc -l)
    bytes=$(find "$tree" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
    measure "idxlint-$label" "$bin" check --format "$FORMAT" "$tree"
    measure "rg-$label" rg -c 'SELECT|CREATE' "$tree"
    local iw rw
    for tool in idxlint rg; do
        local wall rss cpu
        wall=$(cut -d' ' -f1 "$out/$tool-$label.times" | median)
        rss=$(cut -d' ' -f2 "$out/$tool-$label.times" | median)
        cpu=$(awk '{print $3 + $4}' "$out/$tool-$label.times" | median)
        rows+=("$(awk -v l="$label" -v n="$tool" -v w="$wall" -v c="$cpu" -v r="$rss" -v f="$nfiles" -v b="$bytes" 'BEGIN {
            ws = (w > 0) ? w : 0.005
            printf "%-10s %8d %9.1f %-8s %9.2f %9.2f %9.1f %14.1f", l, f, b / 1e6, n, w, c, b / 1e6 / ws, r / 1024
        }')")
    done
    iw=$(cut -d' ' -f1 "$out/idxlint-$label.times" | median)
    rw=$(cut -d' ' -f1 "$out/rg-$label.times" | median)
    rows+=("$(awk -v l="$label" -v i="$iw" -v r="$rw" 'BEGIN { if (r > 0) printf "%-10s idxlint / rg wall time: %.2fx", l, i / r }')")
}

for s in $SCALES; do
    tree="$out/x$s"
    if [ "${REUSE:-0}" = 1 ] && [ -d "$tree/db" ]; then
        echo "reusing $tree"
    else
        rm -rf "$tree"
        python3 "$here/gen.py" "$tree" --files $((FILES * s)) --migrations $((MIGRATIONS * s)) \
            --sql-fraction "$SQL_FRACTION"
    fi
    bench_tree "x$s" "$tree"
done

if [ "$BIG_MB" != 0 ]; then
    tree="$out/big$BIG_MB"
    if ! { [ "${REUSE:-0}" = 1 ] && [ -d "$tree/db" ]; }; then
        rm -rf "$tree"
        python3 "$here/gen.py" "$tree" --big-migration-mb "$BIG_MB"
    fi
    bench_tree "big${BIG_MB}MB" "$tree"
fi

printf '\n%s runs each, median; idxlint --format %s\n' "$RUNS" "$FORMAT"
printf '%-10s %8s %9s %-8s %9s %9s %9s %14s\n' tree files MB tool 'wall (s)' 'CPU (s)' 'MB/s' 'peak RSS (MB)'
for r in "${rows[@]}"; do
    echo "$r"
done
