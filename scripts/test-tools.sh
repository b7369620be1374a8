#!/bin/sh
# Installs the tools the integration tests drive besides git, from PyPI (pinned in test-requirements.txt)
# into target/test-tools, a Python virtual environment: `pre-commit` (hook tests), and `actionlint`,
# `zizmor` and `shellcheck` (the lint tests of workflows, action.yml and shell scripts). Idempotent: it
# reinstalls only when the requirements changed. `.ci/run` calls it before the tests.
set -eu
cd "$(dirname "$0")/.."
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
