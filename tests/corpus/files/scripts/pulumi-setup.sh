#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
PULUMI_ACCESS_TOKEN=pul-36706118e6bbdc0e730fd178ceeb77f02ccf7860

