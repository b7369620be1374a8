#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI1wN6GvyYoBmUMevdJTer

