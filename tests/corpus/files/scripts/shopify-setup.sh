#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
SHOPIFY_ACCESS_TOKEN=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

SHOPIFY_ADMIN_TOKEN="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"

SHOPIFY_PASSWORD=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

SHOPIFY_API_SECRET=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

