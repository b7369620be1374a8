#!/usr/bin/env bash
# The steps of action.yml. `install`: find or build the pinned sprawl; `scan`: scan what the event asks
# for, annotate, write SARIF, the JSON report and a step summary, set outputs, exit by `fail-on`.
# Runs on the GitHub runner (bash, git, python3); everything it reads comes from the runner's environment.
set -euo pipefail

die() {
    echo "::error title=sprawl::$*"
    exit 2
}

install() {
    local version="${SPRAWL_VERSION:?}"
    # A binary provided by the workflow (a container image, a self-hosted runner, tests).
    if [[ -n "${SPRAWL_BIN:-}" && -x "${SPRAWL_BIN}" ]]; then
        echo "sprawl: using $SPRAWL_BIN ($("$SPRAWL_BIN" --version))"
        return
    fi
    # `sprawl --version` prints "sprawl VERSION (commit HASH)".
    if command -v sprawl >/dev/null && [[ "$(sprawl --version) " == "sprawl $version "* ]]; then
        echo "SPRAWL_BIN=$(command -v sprawl)" >>"$GITHUB_ENV"
        return
    fi
    local root="${RUNNER_TEMP:-/tmp}/sprawl-$version"
    local bin="$root/bin/sprawl"
    if [[ ! -x "$bin" ]]; then
        # A release binary for this platform, checked against its published SHA-256.
        local target=""
        case "$(uname -s)-$(uname -m)" in
            Linux-x86_64) target=x86_64-unknown-linux-gnu ;;
            Linux-aarch64) target=aarch64-unknown-linux-gnu ;;
            Darwin-arm64) target=aarch64-apple-darwin ;;
        esac
        local repo="${GITHUB_ACTION_REPOSITORY:-}"
        if [[ -n "$target" && -n "$repo" ]]; then
            local base="https://github.com/$repo/releases/download/v$version/sprawl-$version-$target.tar.gz"
            mkdir -p "$root/bin"
            if curl -fsSL -o "$root/sprawl.tar.gz" "$base" && curl -fsSL -o "$root/sprawl.tar.gz.sha256" "$base.sha256" &&
                (cd "$root" && echo "$(cut -d' ' -f1 sprawl.tar.gz.sha256)  sprawl.tar.gz" | sha256sum -c --quiet -); then
                tar -xzf "$root/sprawl.tar.gz" -C "$root/bin" sprawl
            fi
        fi
    fi
    if [[ ! -x "$bin" ]]; then
        # No release binary fits: build this action's own source, pinned by its Cargo.lock.
        echo "sprawl: building $version from source with cargo"
        cargo install --quiet --locked --path "${SPRAWL_ACTION_PATH:?}" --root "$root"
    fi
    echo "SPRAWL_BIN=$bin" >>"$GITHUB_ENV"
}

# Reads a value from the event payload: python3 expression over `e` (the parsed JSON).
event() {
    python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); v=eval(sys.argv[2]); print("" if v is None else v)' \
        "${GITHUB_EVENT_PATH:?}" "$1" 2>/dev/null || true
}

have_commit() {
    git -C "$workspace" cat-file -e "$1^{commit}" 2>/dev/null
}

# Makes base..head walkable in a shallow checkout: fetch both tips deep enough to reach their merge base.
ensure_range() {
    local base="$1" head="$2" commits="$3"
    if have_commit "$base" && have_commit "$head" && git -C "$workspace" merge-base "$base" "$head" >/dev/null 2>&1; then
        return
    fi
    local depth=$((${commits:-1} + 1))
    git -C "$workspace" fetch --no-tags --quiet --depth="$depth" origin "$head" "$base" 2>/dev/null || true
    local i
    for i in 1 2 3 4 5 6; do
        if have_commit "$base" && have_commit "$head" && git -C "$workspace" merge-base "$base" "$head" >/dev/null 2>&1; then
            return
        fi
        git -C "$workspace" fetch --no-tags --quiet --deepen=$((50 * i)) origin "$head" "$base" 2>/dev/null || break
    done
    have_commit "$base" && have_commit "$head" && git -C "$workspace" merge-base "$base" "$head" >/dev/null 2>&1 ||
        die "cannot read the pull request's commits $base..$head (a shallow checkout that could not be deepened). Check out with actions/checkout and 'fetch-depth: 0'."
}

# The baseline or config to use. On a pull request, the base commit's version: the PR under review must
# not be able to baseline its own secret or redirect validation endpoints. Prints the path, or nothing
# when the base has no such file.
trusted_file() {
    local rel="$1" base="$2" out="$3"
    if [[ -z "$base" ]]; then
        echo "$workspace/$rel"
        return
    fi
    if git -C "$workspace" cat-file -e "$base:$rel" 2>/dev/null; then
        git -C "$workspace" show "$base:$rel" >"$out"
        echo "$out"
    else
        echo "sprawl: $rel is not on the base branch; not used for this pull request" >&2
    fi
}

scan() {
    local bin="${SPRAWL_BIN:?sprawl is not installed: run the install step first}"
    workspace="${GITHUB_WORKSPACE:?}"
    local out="${RUNNER_TEMP:-/tmp}/sprawl-report"
    mkdir -p "$out"
    local mode="${INPUT_MODE:-}"
    if [[ -z "$mode" ]]; then
        case "${GITHUB_EVENT_NAME:-}" in
            pull_request | pull_request_target) mode=pull-request ;;
            *) mode=full ;;
        esac
    fi
    local -a target
    local trusted_base=""
    case "${GITHUB_EVENT_NAME:-}" in
        pull_request | pull_request_target) trusted_base="$(event 'e["pull_request"]["base"]["sha"]')" ;;
    esac
    case "$mode" in
        pull-request)
            local base head commits
            base="$(event 'e["pull_request"]["base"]["sha"]')"
            head="$(event 'e["pull_request"]["head"]["sha"]')"
            commits="$(event 'e["pull_request"]["commits"]')"
            [[ -n "$base" && -n "$head" ]] || die "mode pull-request needs a pull_request event (no base/head sha in $GITHUB_EVENT_PATH); use mode: full or working-tree"
            ensure_range "$base" "$head" "$commits"
            target=(--git --range "$base..$head" "$workspace")
            ;;
        full) target=(--git "$workspace") ;;
        working-tree) target=("$workspace") ;;
        *) die "unknown mode '$mode' (pull-request, full, working-tree)" ;;
    esac
    local -a opts=(--format github --report "json=$out/sprawl.json" --exit-code 0)
    local sarif=""
    if [[ "${INPUT_SARIF:-true}" == "true" ]]; then
        sarif="$out/sprawl.sarif"
        opts+=(--report "sarif=$sarif")
    fi
    local file
    if [[ -n "${INPUT_BASELINE:-}" ]]; then
        file="$(trusted_file "$INPUT_BASELINE" "$trusted_base" "$out/baseline.json")"
        if [[ -n "$file" ]]; then opts+=(--baseline "$file"); fi
    fi
    if [[ -n "${INPUT_CONFIG:-}" ]]; then
        file="$(trusted_file "$INPUT_CONFIG" "$trusted_base" "$out/sprawl.toml")"
        if [[ -n "$file" ]]; then opts+=(--config "$file"); fi
    fi
    [[ "${INPUT_VALIDATE:-false}" == "true" ]] && opts+=(--validate)
    local -a extra=()
    read -r -a extra <<<"${INPUT_ARGS:-}" || true
    # Annotations go to standard output, where the runner turns them into workflow commands.
    (cd "$workspace" && "$bin" scan "${target[@]}" "${opts[@]}" "${extra[@]}") || die "sprawl scan failed (exit $?)"

    local counts findings live credentials
    counts="$(python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))
live=sum(1 for c in r["credentials"] if c["validity"]["status"]=="live")
print(len(r["findings"]), len(r["credentials"]), live)' "$out/sprawl.json")"
    read -r findings credentials live <<<"$counts"
    {
        echo "report=$out/sprawl.json"
        echo "sarif=$sarif"
        echo "findings=$findings"
        echo "live=$live"
    } >>"${GITHUB_OUTPUT:?}"
    if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
        {
            local what="the pull request's commits"
            [[ "$mode" == full ]] && what="the full history"
            [[ "$mode" == working-tree ]] && what="the working tree"
            if [[ "$findings" == 0 ]]; then
                echo "### sprawl: no credentials found in $what"
            else
                echo "### sprawl: $findings finding(s) of $credentials credential(s) in $what, $live live"
                echo
                "$bin" inventory --from "$out/sprawl.json" --format markdown 2>/dev/null
                echo
                echo 'A false positive? Add `sprawl:allow` in a comment on its line, or accept it in a baseline.'
            fi
        } >>"$GITHUB_STEP_SUMMARY"
    fi
    case "${INPUT_FAIL_ON:-any}" in
        any) [[ "$findings" == 0 ]] || { echo "sprawl: $findings finding(s); failing (fail-on: any)"; exit 1; } ;;
        live) [[ "$live" == 0 ]] || { echo "sprawl: $live live credential(s); failing (fail-on: live)"; exit 1; } ;;
        none) ;;
        *) die "unknown fail-on '${INPUT_FAIL_ON}' (any, live, none)" ;;
    esac
}

case "${1:-}" in
    install) install ;;
    scan) scan ;;
    *) die "usage: github-action.sh install|scan" ;;
esac
