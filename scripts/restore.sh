#!/usr/bin/env bash
# Restore a backup of scripts/backup.sh into an EMPTY database: scripts/restore.sh <dump> [media.tar.gz]
# The target is DATABASE_URL (or MIGRATION_DATABASE_URL, the owner): create it first with
# `createdb -O cases_owner cases12315`. Afterwards run `python manage.py db_roles_grant --role cases_app`.
# The history table's triggers refuse UPDATE/DELETE/TRUNCATE, never INSERT: a restore passes them.
set -euo pipefail
dump="${1:?usage: scripts/restore.sh <dump> [media.tar.gz]}"
url="${MIGRATION_DATABASE_URL:-${DATABASE_URL:?DATABASE_URL is not set}}"
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$url" "$dump"
if [[ -n "${2:-}" ]]; then
    mkdir -p "${MEDIA_ROOT:?MEDIA_ROOT is not set}"
    tar -C "$MEDIA_ROOT" -xzf "$2"
fi
