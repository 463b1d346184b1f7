#!/bin/sh
# Runs once, from the official postgres image's /docker-entrypoint-initdb.d, on a new cluster.
set -eu
psql -v ON_ERROR_STOP=1 \
  --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
  -v monitor_user="${PGMON_MONITOR_USER:-pgmon}" \
  -v monitor_password="${PGMON_MONITOR_PASSWORD:?PGMON_MONITOR_PASSWORD is required}" \
  -f "${PGMON_MONITOR_SQL:-/opt/pgmon/monitor-role.sql}"
