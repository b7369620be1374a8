#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
BITBUCKET_APP_PASSWORD=ATBBrckEjGmuB6S6qH9Q3xCmzRaL6642W069

Authorization: Bearer BBDC-SpetvL/zDDxeB/mbtA4/5PgZbeI9K8Kvj00K0N8r80QL

