#!/usr/bin/env bash
# A second PostgreSQL cluster on this machine as a streaming replica of the first (Debian's
# postgresql-common): scripts/replica_setup.sh [port]. Idempotent: a replica already streaming is
# left as it is; one that exists but does not stream is started, and rebuilt if it still does not.
# Prints the DATABASE_REPLICA_URL host part (postgres://postgres@127.0.0.1:<port>) when done.
# Runs as root (CI, this machine); the primary is the newest version's `main` cluster on 5432.
set -euo pipefail

version="$(ls /etc/postgresql | sort -V | tail -1)"
port="${1:-${REPLICA_PORT:-5433}}"
name="replica"
primary_conf="/etc/postgresql/$version/main"
replica_conf="/etc/postgresql/$version/$name"
datadir="/var/lib/postgresql/$version/$name"
psql_primary=(psql -h 127.0.0.1 -p 5432 -U postgres -tAX -d postgres)
psql_replica=(psql -h 127.0.0.1 -p "$port" -U postgres -tAX -d postgres)

streaming() {
    [[ "$("${psql_replica[@]}" -c "SELECT pg_is_in_recovery()" 2>/dev/null)" == "t" ]] &&
        [[ "$("${psql_replica[@]}" -c "SELECT status FROM pg_stat_wal_receiver" 2>/dev/null)" == "streaming" ]]
}

wait_streaming() {
    for _ in $(seq 1 "${1:-30}"); do streaming && return 0; sleep 1; done
    return 1
}

# --- the primary: WAL for a replica, WAL senders, and a replication entry in pg_hba -------------
restart=0
if [[ "$("${psql_primary[@]}" -c "SHOW wal_level")" == "minimal" ]]; then
    "${psql_primary[@]}" -c "ALTER SYSTEM SET wal_level = 'replica'" >/dev/null
    restart=1
fi
if (( "$("${psql_primary[@]}" -c "SHOW max_wal_senders")" < 2 )); then
    "${psql_primary[@]}" -c "ALTER SYSTEM SET max_wal_senders = 10" >/dev/null
    restart=1
fi
if ! grep -qE '^\s*host\s+replication\s+all\s+127\.0\.0\.1/32' "$primary_conf/pg_hba.conf"; then
    echo "==> allowing replication connections from 127.0.0.1 on the primary"
    # The same method as the primary's own host entry (trust on CI and this machine).
    method="$(awk '$1 == "host" && $2 == "all" && $4 == "127.0.0.1/32" {print $5; exit}' "$primary_conf/pg_hba.conf")"
    echo "host replication all 127.0.0.1/32 ${method:-trust}" >>"$primary_conf/pg_hba.conf"
    "${psql_primary[@]}" -c "SELECT pg_reload_conf()" >/dev/null
fi
if ((restart)); then
    echo "==> restarting the primary for wal_level / max_wal_senders"
    pg_ctlcluster --skip-systemctl-redirect "$version" main restart
fi

# --- the replica -------------------------------------------------------------------------------
if [[ -d "$replica_conf" ]] && ! streaming; then
    started=0
    pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start 2>/dev/null && started=1
    # (already running is an error to pg_ctlcluster: it may still be catching up)
    pg_ctlcluster "$version" "$name" status >/dev/null 2>&1 && started=1
    if ! ((started)) || ! wait_streaming 15; then
        echo "==> the replica on $port does not stream: rebuilding it"
        pg_ctlcluster --skip-systemctl-redirect "$version" "$name" stop 2>/dev/null || true
        pg_dropcluster "$version" "$name" 2>/dev/null || true
        # (a half-made cluster, without its data directory, keeps its configuration folder)
        rm -rf "$replica_conf" "$datadir"
    fi
fi
if [[ ! -d "$replica_conf" ]]; then
    echo "==> creating the replica cluster $version/$name on port $port"
    pg_createcluster -p "$port" "$version" "$name" >/dev/null
    # Authentication as on the primary (pg_createcluster writes scram-sha-256 for host entries).
    cp "$primary_conf/pg_hba.conf" "$replica_conf/pg_hba.conf"
    # Reports run long statements: let replay wait for them a while rather than cancel them.
    cat >"$replica_conf/conf.d/90-replica.conf" <<EOF
hot_standby = on
hot_standby_feedback = on
max_standby_streaming_delay = 60s
EOF
    # The primary's data as of now, with standby.signal and primary_conninfo written (-R).
    # (emptied, and owned by postgres: the version's folder may belong to root)
    rm -rf "$datadir"
    install -d -o postgres -g postgres -m 700 "$datadir"
    runuser -u postgres -- pg_basebackup -h 127.0.0.1 -p 5432 -U postgres -D "$datadir" -R -X stream --checkpoint=fast
    pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start
fi
if ! wait_streaming 60; then
    echo "the replica on port $port is not streaming from the primary" >&2
    exit 1
fi
echo "postgres://postgres@127.0.0.1:$port"
