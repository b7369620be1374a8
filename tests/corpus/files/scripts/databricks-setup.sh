#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
DATABRICKS_TOKEN=dapi54ab33758e42603c0510ea9f3fd7a03f

