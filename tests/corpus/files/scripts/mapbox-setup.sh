#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
MAPBOX_DOWNLOADS_TOKEN=sk.eyJ2IeeiJK1xhzdeDgaiZBPgJangdOI9LvzboTDcz7n5aBoygKjhQlgnHIx4eqM8.Ewt3xRE-YLa85jZ0g16KZe

