#!/bin/sh
set -e
MYSQL_PWD=ImwjmsQmd9EhGJq5Qm mysql -u root orders
