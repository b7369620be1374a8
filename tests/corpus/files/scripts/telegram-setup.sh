#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
TELEGRAM_BOT_TOKEN=4538313694:AAAlkc6mBea5kXEJs6D0FM80ZeeLOOLh9WK

