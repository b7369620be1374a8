#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets/*.rs) for SECONDS each, one after another, with cargo-fuzz
# on the nightly toolchain (installed into target/tools when missing). Each target's working corpus is
# kept in target/fuzz/corpus/TARGET and grows across runs; it starts from fuzz/seeds/TARGET.
#
#   scripts/fuzz.sh SECONDS [TARGET...]
#
# A crash, a timeout (10 s on one input) or an out-of-memory (2 GiB) stops that target; its input is
# written to target/fuzz/artifacts/TARGET/. Fix it, then commit the input as a regression case:
#   cp target/fuzz/artifacts/TARGET/crash-... fuzz/regressions/TARGET/
# `cargo test` replays fuzz/seeds and fuzz/regressions through the same checks (tests/it/fuzz.rs).
# Exit status: 0 when every target ran its time without a failure, 1 otherwise.
set -euo pipefail

cd "$(dirname "$0")/.."
seconds=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
if [ $# -gt 0 ]; then
    targets=("$@")
else
    targets=()
    for f in fuzz/fuzz_targets/*.rs; do
        name=${f##*/}
        targets+=("${name%.rs}")
    done
fi

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    echo "fuzz.sh: the nightly toolchain is needed: rustup toolchain install nightly" >&2
    exit 2
fi
tools=$PWD/target/tools
if ! command -v cargo-fuzz >/dev/null 2>&1 && [ ! -x "$tools/bin/cargo-fuzz" ]; then
    cargo install --locked --root "$tools" cargo-fuzz
fi
export PATH="$tools/bin:$PATH"

work=target/fuzz
mkdir -p "$work"
# The engine target's dictionary: every rule keyword, so the fuzzer reaches the regexes quickly.
python3 - "$work/engine.dict" <<'PY'
import pathlib, sys, tomllib
words = set()
for f in pathlib.Path("rules").glob("*.toml"):
    for rule in tomllib.loads(f.read_text()).get("rules", []):
        words.update(rule.get("keywords", []))
with open(sys.argv[1], "w") as out:
    for w in sorted(words):
        esc = "".join(chr(b) if 32 <= b < 127 and b not in b'"\\' else "\\x%02x" % b for b in w.encode())
        out.write('"' + esc + '"\n')
PY

cargo +nightly fuzz build -O
triple=$(rustc -vV | sed -n 's/^host: //p')

failed=()
for t in "${targets[@]}"; do
    mkdir -p "$work/corpus/$t" "$work/artifacts/$t"
    args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048
        -artifact_prefix="$work/artifacts/$t/" -print_final_stats=1)
    case $t in
        engine) args+=(-dict="$work/engine.dict" -max_len=2048) ;;
        archive | git | loose) args+=(-max_len=65536) ;;
        *) args+=(-max_len=8192) ;;
    esac
    echo "== $t: $seconds s"
    # The binaries built above, run directly: `cargo fuzz run` would rebuild when a source changed
    # during the run, and each target would test different code.
    if ! "fuzz/target/$triple/release/$t" "${args[@]}" "$work/corpus/$t" "fuzz/seeds/$t" \
        2>"$work/$t.log"; then
        failed+=("$t")
        tail -n 40 "$work/$t.log" >&2
    fi
    grep -E '^stat::(number_of_executed_units|peak_rss_mb|new_units_added)' "$work/$t.log" || true
    echo "   corpus: $(find "$work/corpus/$t" -type f | wc -l) inputs"
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz.sh: failures in: ${failed[*]} (inputs in $work/artifacts/)" >&2
    exit 1
fi
echo "fuzz.sh: ${#targets[@]} targets, $seconds s each, no failure"
