#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
PULUMI_ACCESS_TOKEN=pul-6cb856e795e02f28870bde3f62c6b892cc126bfc

