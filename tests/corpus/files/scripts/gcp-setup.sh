#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
  "private_key_id": "2a334a1ba9aa4abf7e4eb5cf367664ae41fd5f45",

GOOGLE_API_KEY=AIzaHqWNyYdhJpJOJ2HtFHmawrB8AnKY_9hk-j6

GOOGLE_CLIENT_SECRET=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

