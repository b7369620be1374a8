#!/usr/bin/env bash
# Renders docs/inventory.png, the README's picture of `sprawl inventory --format html`, from the made-up
# report docs/inventory-demo.json, in headless Chromium (scripts/test-tools.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked --quiet
page="$(mktemp -d)/inventory.html"
SPRAWL_NOW=2024-06-01 target/debug/sprawl inventory --from docs/inventory-demo.json --format html -o "$page"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,1180 \
  --screenshot="$PWD/docs/inventory.png" "file://$page" 2>/dev/null
rm -r "$(dirname "$page")"
