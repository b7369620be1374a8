#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
LAUNCHDARKLY_SDK_KEY=sdk-fdfcd872-4118-f1d8-eeb5-a5965ebf5228

