#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
SQUARE_ACCESS_TOKEN=EAAA70cz9q7shqH2fS-KSVSbJswuNL7C7tjTqMFxc-AcRIHuXn32BrbOlV8LXyWI

SQUARE_TOKEN=sq0atp-7ZFPLhodqrUXtIgIY-B3tI

SQUARE_APP_SECRET=sq0csp-dYEezjKP0KkOVkVRrbHpMH1T-QNc39lUuH0Ln0_UAd4

