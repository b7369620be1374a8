#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
HONEYCOMB_API_KEY=hcaik_00e8k9fx02nxjscmui3mfm1qbvgl9u1nw8k2jxw3igwiglp2yej5h63atm

