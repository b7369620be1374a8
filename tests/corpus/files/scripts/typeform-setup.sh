#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
TYPEFORM_TOKEN=tfp_Y0GEGzL3NXqtVm4QWHfiCLuDPAWhHiE1YfqgugmUnCB9_oJ1VAaApd9Axjt

