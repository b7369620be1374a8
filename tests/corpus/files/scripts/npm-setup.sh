#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
//registry.npmjs.org/:_authToken=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

