#!/bin/sh
set -e
PGPASSWORD=D0lmPxIWlHuUvhp2GG psql -h db -U app appdb
