#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
OPENROUTER_API_KEY=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

