#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
LAUNCHDARKLY_SDK_KEY=sdk-bb645216-d9ba-c5e9-55be-fc445b468b48

