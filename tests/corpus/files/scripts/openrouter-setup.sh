#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
OPENROUTER_API_KEY=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

