#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
MAPBOX_DOWNLOADS_TOKEN=sk.eyJ3BqutMR0efzkqBsaePEFdOojchLB5JszsoEXza1l9kUsgoPnpCbfiCYc4puM2.Bvy8qTM-IGb19gL0y01HPn

