#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
RESEND_API_KEY=re_VJbFzfqW_dgBKkQ6Nn38g1ReZFgBuEzh1

