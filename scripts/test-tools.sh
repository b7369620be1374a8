#!/bin/sh
# Installs the tools the integration tests drive besides git, from PyPI (pinned in test-requirements.txt)
# into target/test-tools, a Python virtual environment: `pre-commit` (hook tests), and `actionlint`,
# `zizmor` and `shellcheck` (the lint tests of workflows, action.yml and shell scripts). Idempotent: it
# reinstalls only when the requirements changed. `.ci/run` calls it before building anything.
# Also the one system package the fast engine links: Vectorscan (`libvectorscan-dev`, with `pkg-config`
# to find it), from the distribution's archive when apt is there and the library is missing. Without it
# the build warns and uses the pure-Rust engine, and every test still runs. And Chromium (Debian's
# `chromium`), which the HTML report's test drives headless.
set -eu
cd "$(dirname "$0")/.."
# apt_install PACKAGE... : installs from the distribution's archive (refreshing the index once if the
# first try fails); returns non-zero when apt is missing or the install failed.
apt_install() {
    command -v apt-get >/dev/null 2>&1 || return 1
    as_root=""
    [ "$(id -u)" -eq 0 ] || as_root="sudo -n"
    DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -q --no-install-recommends "$@" >/dev/null 2>&1 ||
        { $as_root apt-get update -q >/dev/null 2>&1 &&
            DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -q --no-install-recommends "$@" >/dev/null 2>&1; }
}
if ! pkg-config --exists 'libhs >= 5.4' 2>/dev/null; then
    apt_install pkg-config libvectorscan-dev ||
        echo "test-tools: could not install libvectorscan-dev; building the pure-Rust engine only" >&2
fi
# Chromium renders the HTML inventory in its test (tests/it/html.rs), headless.
if ! command -v chromium >/dev/null 2>&1; then
    apt_install chromium fonts-dejavu-core ||
        echo "test-tools: could not install chromium; the HTML rendering test will fail" >&2
fi
pkg-config --modversion libhs 2>/dev/null | sed 's/^/vectorscan /' || true
venv=target/test-tools
if ! cmp -s scripts/test-requirements.txt "$venv/installed-requirements.txt"; then
    [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check --only-binary :all: -r scripts/test-requirements.txt
    cp scripts/test-requirements.txt "$venv/installed-requirements.txt"
fi
"$venv/bin/pre-commit" --version
"$venv/bin/actionlint" --version | head -n 1
"$venv/bin/zizmor" --version
"$venv/bin/shellcheck" --version | sed -n 2p
