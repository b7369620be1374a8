#!/bin/sh
# Installs the tools the integration tests drive besides git: the `pre-commit` tool (from PyPI, pinned)
# into target/test-tools, a Python virtual environment. Idempotent; `.ci/run` calls it before the tests.
set -eu
cd "$(dirname "$0")/.."
venv=target/test-tools
if [ ! -x "$venv/bin/pre-commit" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/test-requirements.txt
fi
"$venv/bin/pre-commit" --version
