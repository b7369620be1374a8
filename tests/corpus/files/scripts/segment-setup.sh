#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
SEGMENT_PUBLIC_API_TOKEN=sgp_fdrkRya2ZQy42IEy05aNcdOmizzFAizxnuj0G61J6ztgt5g2ieqIX5wrDz8jAFRo

