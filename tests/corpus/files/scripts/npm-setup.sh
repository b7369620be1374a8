#!/usr/bin/env bash
set -euo pipefail
echo "deploying $SERVICE"
//registry.npmjs.org/:_authToken=npm_iMMmwb2bc0TsBP0aLiccLywdq1QZkJp5xNXJ

