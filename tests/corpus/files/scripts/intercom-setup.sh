#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
INTERCOM_ACCESS_TOKEN=dG9rOeYoEmD9WWI7EfG3G1LtBXMfVk0rIhV6W7N5JRQ1Yva3AKIzEAktXiE=

