#!/bin/sh
set -e
REDISCLI_PASS=iDH7UBhSmBr8k3H44T redis-cli -h cache ping
