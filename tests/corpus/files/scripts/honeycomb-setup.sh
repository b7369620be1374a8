#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
HONEYCOMB_API_KEY=hcaik_52j3i3wi35peyejkhu6hat6njyll3t8od8r6bln1ugcpydf7amz8m82etp

