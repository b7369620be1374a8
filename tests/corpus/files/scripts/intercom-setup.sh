#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
INTERCOM_ACCESS_TOKEN=dG9rOqTbKqL6DXB7KgV8J4LdEPFkEf7zAzS4K1U4RZH0Faz6GBIzXXhgLiB=

