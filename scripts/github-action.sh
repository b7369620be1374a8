#!/usr/bin/env bash
# The steps of action.yml. `install`: find or build the pinned sprawl; `scan`: scan what the event asks
# for, annotate, write SARIF, the JSON report and a step summary, set outputs, exit by `fail-on`.
# Runs on the GitHub runner (bash, git, python3); everything it reads comes from the runner's environment.
set -euo pipefail

die() {
    echo "::error title=sprawl::$*"
    exit 2
}

# The release target of this runner, as .github/workflows/release.yml names its archives; empty when
# no release binary exists for it.
release_target() {
    case "$(uname -s)-$(uname -m)" in
        Linux-x86_64) echo x86_64-unknown-linux-musl ;;
        Linux-aarch64 | Linux-arm64) echo aarch64-unknown-linux-musl ;;
        Darwin-arm64) echo aarch64-apple-darwin ;;
    esac
}

sha256() {
    if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1
}

# Downloads URL to FILE; prints the HTTP status (000 when the server could not be reached).
download() {
    curl -sSL --retry 2 -o "$2" -w '%{http_code}' "$1" 2>/dev/null || true
}

# Installs the release archive for this runner into $root/bin: 0 when installed, 1 when there is no
# release to install (the caller builds from source). A checksum that does not match stops the step:
# a tampered or corrupt download is never run, and is not papered over by a build.
install_release() {
    local version="$1" root="$2" target
    target="$(release_target)"
    if [[ -z "$target" ]]; then
        echo "sprawl: no release binary for $(uname -s)-$(uname -m)"
        return 1
    fi
    local name="sprawl-$version-$target"
    # SPRAWL_TEST_RELEASES_URL is set by tests only (a server on 127.0.0.1).
    local base="${SPRAWL_TEST_RELEASES_URL:-https://github.com/${GITHUB_ACTION_REPOSITORY:-sprawl-dev/sprawl}/releases/download}"
    local url="$base/v$version/$name.tar.gz"
    local dl="$root/download"
    rm -rf "$dl" && mkdir -p "$dl" "$root/bin"
    local status
    status="$(download "$url" "$dl/$name.tar.gz")"
    if [[ "$status" != 200 ]]; then
        echo "sprawl: no release archive at $url (HTTP $status)"
        return 1
    fi
    status="$(download "$url.sha256" "$dl/$name.tar.gz.sha256")"
    [[ "$status" == 200 ]] || die "the release archive $name.tar.gz has no checksum file (HTTP $status for $url.sha256); refusing to install it unverified"
    local expected actual
    expected="$(cut -d' ' -f1 "$dl/$name.tar.gz.sha256")"
    actual="$(sha256 "$dl/$name.tar.gz")"
    [[ "$expected" == "$actual" ]] || die "checksum mismatch for $name.tar.gz: the release publishes sha256 $expected, the download has $actual; not installing it"
    tar -xzf "$dl/$name.tar.gz" -C "$dl"
    [[ -f "$dl/$name/sprawl" ]] || die "$name.tar.gz does not hold $name/sprawl"
    mv "$dl/$name/sprawl" "$root/bin/sprawl"
    chmod +x "$root/bin/sprawl"
    rm -rf "$dl"
    echo "sprawl: installed $version ($target) from the release, sha256 $actual"
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
        echo "sprawl: using $(command -v sprawl) ($(sprawl --version))"
        echo "SPRAWL_BIN=$(command -v sprawl)" >>"$GITHUB_ENV"
        return
    fi
    local root="${RUNNER_TEMP:-/tmp}/sprawl-$version"
    local bin="$root/bin/sprawl"
    if [[ ! -x "$bin" ]] && ! install_release "$version" "$root"; then
        # No release binary fits: build this action's own source, pinned by its Cargo.lock.
        echo "sprawl: building $version from source with cargo"
        cargo install --quiet --locked --path "${SPRAWL_ACTION_PATH:?}" --root "$root"
    fi
    echo "sprawl: $("$bin" --version)"
    echo "SPRAWL_BIN=$bin" >>"$GITHUB_ENV"
}

# Reads a value from the event payload: python3 expression over `e` (the parsed JSON).
event() {
    python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); v=eval(sys.argv[2]); print("" if v is None else v)' \
        "${GITHUB_EVENT_PATH:?}" "$1" 2>/dev/null || true
}

# git in the workspace, with its hooks and fsmonitor off: the checkout's git directory is the runner's,
# but nothing a scanned repository could have configured is ever run.
wsgit() {
    git -c core.hooksPath=/dev/null -c core.fsmonitor=false -C "$workspace" "$@"
}

have_commit() {
    wsgit cat-file -e "$1^{commit}" 2>/dev/null
}

is_shallow() {
    [[ "$(wsgit rev-parse --is-shallow-repository 2>/dev/null)" == true ]]
}

# Mode full reads every commit: a shallow checkout (actions/checkout fetches one commit by default) is
# deepened first, or refused. Scanned shallow, every credential would look introduced by its boundary.
ensure_full_history() {
    is_shallow || return 0
    echo "sprawl: the checkout is shallow; fetching the whole history (git fetch --unshallow)"
    wsgit fetch --quiet --unshallow --tags origin 2>/dev/null || true
    if is_shallow; then
        die "mode full scans every commit, but this checkout is shallow and 'git fetch --unshallow' failed. Check out with actions/checkout and 'fetch-depth: 0', or use mode: working-tree."
    fi
}

# Makes base..head walkable in a shallow checkout: fetch both tips deep enough to reach their merge base.
ensure_range() {
    local base="$1" head="$2" commits="$3"
    if have_commit "$base" && have_commit "$head" && wsgit merge-base "$base" "$head" >/dev/null 2>&1; then
        return
    fi
    local depth=$((${commits:-1} + 1))
    wsgit fetch --no-tags --quiet --depth="$depth" origin "$head" "$base" 2>/dev/null || true
    local i
    for i in 1 2 3 4 5 6; do
        if have_commit "$base" && have_commit "$head" && wsgit merge-base "$base" "$head" >/dev/null 2>&1; then
            return
        fi
        wsgit fetch --no-tags --quiet --deepen=$((50 * i)) origin "$head" "$base" 2>/dev/null || break
    done
    if ! { have_commit "$base" && have_commit "$head" && wsgit merge-base "$base" "$head" >/dev/null 2>&1; }; then
        die "cannot read the pull request's commits $base..$head (a shallow checkout that could not be deepened). Check out with actions/checkout and 'fetch-depth: 0'."
    fi
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
    if wsgit cat-file -e "$base:$rel" 2>/dev/null; then
        wsgit show "$base:$rel" >"$out"
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
        full)
            ensure_full_history
            target=(--git "$workspace")
            ;;
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
                # shellcheck disable=SC2016 # the backticks are Markdown, not a command substitution
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
