#!/usr/bin/env bash
# End-to-end throughput of `sprawl scan` on a generated ~1 GiB source-like corpus (and optionally on real
# trees given as arguments): MB/s and peak RSS (via /usr/bin/time -v), warm cache, 2 threads by default.
#
#   scripts/throughput.sh                 # generate corpus in target/corpus (once) and measure
#   scripts/throughput.sh DIR [DIR ...]   # also measure on real directories
#   THREADS=1 SIZE_MB=256 scripts/throughput.sh
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
SIZE_MB=${SIZE_MB:-1024}
CORPUS=target/corpus-${SIZE_MB}m
cargo build --release --locked -q
BIN=target/release/sprawl
if [ ! -d "$CORPUS" ]; then
  python3 scripts/gen_corpus.py "$CORPUS" "$SIZE_MB"
fi
if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time for peak RSS" >&2
  (apt-get install -y -qq time >/dev/null 2>&1) || true
fi
measure() {
  local dir=$1
  local bytes
  bytes=$(du -sb "$dir" | cut -f1)
  find "$dir" -type f -exec cat {} + >/dev/null 2>&1 || true # warm the page cache
  local log
  log=$(mktemp)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "$BIN" scan --no-ignore -j "$THREADS" --format json -o /dev/null "$dir" 2>"$log" || true
    local secs rss
    secs=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    rss=$(grep "Maximum resident set size" "$log" | awk '{print $NF}')
    python3 - "$dir" "$bytes" "$secs" "$rss" <<'PY'
import sys
d, b, s, rss = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
print(f"{d}: {b/1e6:.0f} MB in {s:.2f} s = {b/1e6/max(s,1e-9):.0f} MB/s, peak RSS {rss/1024:.0f} MB")
PY
  else
    local t0 t1
    t0=$(date +%s.%N); "$BIN" scan --no-ignore -j "$THREADS" --format json -o /dev/null "$dir" || true; t1=$(date +%s.%N)
    python3 -c "print(f'$dir: {$bytes/1e6:.0f} MB in {$t1-$t0:.2f} s = {$bytes/1e6/($t1-$t0):.0f} MB/s')"
  fi
  rm -f "$log"
}
measure "$CORPUS"
for d in "$@"; do measure "$d"; done
