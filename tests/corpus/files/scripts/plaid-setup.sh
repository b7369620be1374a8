#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
PLAID_ACCESS_TOKEN=access-production-da457ffa-bc46-fb22-f09f-b624b35d3345

