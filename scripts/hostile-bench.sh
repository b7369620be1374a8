#!/usr/bin/env bash
# The heavy hostile-input cases that are too slow for every CI run (their cheap versions are tests in
# tests/it/hostile/): builds each input in a scratch directory, scans it with the release binary under
# /usr/bin/time -v, and prints one row per case: wall time, peak RSS, findings and warnings.
#
#   scripts/hostile-bench.sh [CASE ...]    cases: refs merges empty sparse line archives (default: all)
#
# Inputs are built in a new directory under ${TMPDIR:-/tmp}, removed at the end.
#
# Needs git, python3, gzip and GNU time; about 6 GB of free disk (most of it sparse) and 5 GB of memory
# for the 4 GiB sparse file read whole with a raised --max-file-size.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
bin="$PWD/target/release/sprawl"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/sprawl-hostile.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
cases=" ${*:-refs merges empty sparse line archives} "
# wanted CASE: whether CASE was asked for.
wanted() { [[ "$cases" == *" $1 "* ]]; }
token="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" # made up (tests/it/support.rs GH1)

printf '%-44s %9s %10s %9s %9s\n' case seconds peak_MB findings warnings
# measure NAME DIR ARGS...: runs `sprawl scan --format json ARGS` in DIR and prints its row.
measure() {
    local name="$1" dir="$2"
    shift 2
    local out="$scratch/report.json" timing="$scratch/time.txt"
    (cd "$dir" && /usr/bin/time -v "$bin" scan --format json "$@" >"$out" 2>"$timing") || true
    python3 - "$name" "$out" "$timing" <<'EOF'
import json, re, sys
name, out, timing = sys.argv[1:]
t = open(timing).read()
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1)
secs = sum(float(x) * 60**i for i, x in enumerate(reversed(wall.split(":"))))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
try:
    r = json.load(open(out))
    found, warned = len(r["findings"]), len(r["errors"])
except Exception as e:
    found, warned = "-", f"bad JSON: {e}"
print(f"{name:<44} {secs:9.2f} {rss:10.1f} {found!s:>9} {warned!s:>9}")
EOF
}

# A repository with one secret, for the history cases.
repo() {
    local dir="$scratch/$1"
    git init -q "$dir"
    printf 'GITHUB_TOKEN=%s\n' "$token" >"$dir/a.env"
    git -C "$dir" add a.env
    git -C "$dir" -c user.name=a -c user.email=a@example.org commit -qm one
    echo "$dir"
}

# 1,000,000 refs, written straight into packed-refs.
if wanted refs; then
    dir="$(repo refs)"
    head="$(git -C "$dir" rev-parse HEAD)"
    python3 - "$dir/.git/packed-refs" "$head" <<'EOF'
import sys
path, head = sys.argv[1:]
with open(path, "w") as f:
    f.write("# pack-refs with: peeled fully-peeled sorted \n")
    f.writelines(f"{head} refs/tags/t{i:07d}\n" for i in range(1_000_000))
EOF
    measure "1,000,000 refs (--git)" "$dir" --git .
    rm -rf "$dir"
fi

# 10,000 merges (fast-import): each merges a one-commit side branch into the main line.
if wanted merges; then
    dir="$(repo merges)"
    python3 - "$(git -C "$dir" rev-parse HEAD)" "$(git -C "$dir" symbolic-ref --short HEAD)" <<'EOF' | git -C "$dir" fast-import --quiet
import sys
head, branch = sys.argv[1:]
def data(s): return f"data {len(s)}\n{s}\n"
out = []
for i in range(10_000):
    t, body = 1700000001 + 2 * i, f"{i}\n"
    start = f"from {head}\n" if i == 0 else ""
    out.append(f"commit refs/heads/side\nmark :{2*i+1}\ncommitter a <a@x> {t} +0000\n{data('side')}{start}M 100644 inline s.txt\n{data(body)}")
    out.append(f"commit refs/heads/{branch}\nmark :{2*i+2}\ncommitter a <a@x> {t+1} +0000\n{data('merge')}{start}merge :{2*i+1}\nM 100644 inline m.txt\n{data(body)}")
sys.stdout.write("".join(out))
EOF
    measure "10,000 merges (--git)" "$dir" --git .
    rm -rf "$dir"
fi

# 1,000,000 empty files in 1,000 directories.
if wanted empty; then
    dir="$scratch/empty"
    python3 - "$dir" <<'EOF'
import os, sys
root = sys.argv[1]
for d in range(1000):
    p = os.path.join(root, f"d{d:03d}")
    os.makedirs(p)
    for i in range(1000):
        open(os.path.join(p, f"{i:03d}.env"), "w").close()
EOF
    measure "1,000,000 empty files" "$dir" .
    rm -rf "$dir"
fi

# A 4 GiB sparse file with a secret at each end: skipped by size, then read whole.
if wanted sparse; then
    dir="$scratch/sparse" && mkdir -p "$dir"
    printf 'GITHUB_TOKEN=%s\n' "$token" >"$dir/sparse.env"
    truncate -s 4G "$dir/sparse.env"
    printf 'GITHUB_TOKEN=%s\n' "$token" >>"$dir/sparse.env"
    measure "4 GiB sparse file (default limit)" "$dir" .
    measure "4 GiB sparse file (--max-file-size 5GiB)" "$dir" --max-file-size 5GiB .
    rm -rf "$dir"
fi

# A single 1 GiB line with a secret in the middle.
if wanted line; then
    dir="$scratch/line" && mkdir -p "$dir"
    python3 - "$dir/line.js" "$token" <<'EOF'
import sys
path, token = sys.argv[1:]
half = b"a" * (512 << 20)
with open(path, "wb") as f:
    f.write(half); f.write(f";GITHUB_TOKEN='{token}';".encode()); f.write(half); f.write(b"\n")
EOF
    measure "one 1 GiB line (--max-file-size 2GiB)" "$dir" --max-file-size 2GiB .
    rm -rf "$dir"
fi

# Archives: a 1 GiB zip member, a 1 GiB gzip bomb, and 42.zip-like nesting (16 per level, 5 levels,
# 64 MiB leaves: 64 TiB in all).
if wanted archives; then
    dir="$scratch/archives" && mkdir -p "$dir"
    python3 - "$dir" "$token" <<'EOF'
import io, os, sys, zipfile, zlib
root, token = sys.argv[1:]
def zip_of(members, method=zipfile.ZIP_DEFLATED):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", method) as z:
        for name, data in members:
            z.writestr(name, data)
    return b.getvalue()
zero = bytes(1 << 30)
open(os.path.join(root, "member.zip"), "wb").write(
    zip_of([("a.env", f"GITHUB_TOKEN={token}\n"), ("zeros.bin", zero)]))
with open(os.path.join(root, "bomb.gz"), "wb") as f:
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    f.write(c.compress(zero)); f.write(c.flush())
# Deflated zeros are themselves repetitive, so each level deflates the one below to almost nothing.
level = zip_of([("a.env", f"GITHUB_TOKEN={token}\n"), ("0.bin", bytes(64 << 20))])
for depth in range(5):
    level = zip_of([(f"{i:x}.zip", level) for i in range(16)])
open(os.path.join(root, "42.zip"), "wb").write(level)
EOF
    for f in member.zip bomb.gz 42.zip; do
        measure "$f ($(du -h "$dir/$f" | cut -f1))" "$dir" "$f"
    done
fi
