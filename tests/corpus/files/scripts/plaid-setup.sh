#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
PLAID_ACCESS_TOKEN=access-production-6fa81f26-29e6-c254-e48d-3edaf99d33a3

