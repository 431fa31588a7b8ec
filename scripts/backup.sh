#!/usr/bin/env bash
# Back up the database and the evidence files: scripts/backup.sh <folder>
# Writes <folder>/cases12315-<time>.dump (pg_dump custom format, restorable table by table) and
# <folder>/media-<time>.tar.gz. Reads DATABASE_URL (or MIGRATION_DATABASE_URL, the owner) and
# MEDIA_ROOT from the environment (/etc/cases12315/cases12315.env on a server).
set -euo pipefail
out="${1:?usage: scripts/backup.sh <folder>}"
mkdir -p "$out"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
url="${MIGRATION_DATABASE_URL:-${DATABASE_URL:?DATABASE_URL is not set}}"
# One consistent snapshot of every table, history included (pg_dump reads in one transaction).
pg_dump --format=custom --no-owner --no-privileges --file="$out/cases12315-$stamp.dump" "$url"
if [[ -n "${MEDIA_ROOT:-}" && -d "$MEDIA_ROOT" ]]; then
    tar -C "$MEDIA_ROOT" -czf "$out/media-$stamp.tar.gz" .
fi
echo "$out/cases12315-$stamp.dump"
