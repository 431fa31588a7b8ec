"""API intake throughput: gunicorn on PostgreSQL, creates driven from a second process.

    DATABASE_URL=postgres://... python -m bench.api_intake [--size 3000] [--concurrency 8]
        [--workers cores+1] [--threads 2]

Each create is a new work order (its own reference) from a registered external system that registers
automatically, so every request goes the whole way of an API receipt: key check, reference probe,
case number, then case, history, statutory clock and reference written in one round trip.
Registration (five elements, routing proposal, repeat and cluster checks, clocks) is the worker's
part: after the burst the benchmark runs the worker's registration over the backlog and times it.

Before the creates, the same gunicorn (workers, threads, settings, middleware: bench/intake_urls.py)
serves a bare view the same number of times with the same body: the ceiling of this machine for a
request that does no work, printed beside the creates as their share of it.

Prints `RESULT creates_per_second <n> /s`, `RESULT create_p99_ms <ms> ms`,
`RESULT bare_view_per_second <n> /s`, `RESULT creates_share_of_bare_view <pct> %`,
`RESULT registrations_per_second <n> /s` (one worker process) and
`RESULT registrations_share_of_creates <pct> %` and `RESULT queries_per_registration <n> queries`.
"""
import argparse
import http.client
import json
import multiprocessing
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid


def _setup() -> str:
    """Migrate and create the external system; returns its API key."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command

    from integration.models import ExternalSystem
    from integration.services import api_key_issue
    from routing.models import Unit, User

    call_command("migrate", verbosity=0)
    center, _ = Unit.objects.get_or_create(code="BENCH-C", defaults={"name": "压测中心", "kind": Unit.Kind.CENTER})
    user, _ = User.objects.get_or_create(username="bench-api", defaults={"unit": center, "role": User.Role.CLERK})
    system, _ = ExternalSystem.objects.get_or_create(
        code="bench-12345", defaults={"name": "压测12345", "acting_user": user, "channel": "hotline_12345",
                                      "scopes": ["cases:create", "cases:read"]},
    )
    return api_key_issue(system=system)


def _drain_registrations() -> tuple[int, float, int]:
    """What the Celery worker does after a burst: register every case the API received, in its
    batches (cases_register_batch); also returns the queries it sent."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from integration.services import external_cases_register

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        handled = external_cases_register()
        elapsed = max(time.perf_counter() - started, 1e-9)
    return handled, elapsed, len(queries)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/open311/v2/services.json")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _cpu_by_role(root: int) -> dict[str, float]:
    """CPU seconds used so far by gunicorn (the process and its workers) and by PostgreSQL, from
    /proc: the machine is shared by server, database and client, so the throughput alone does not
    say where a create's cost lies."""
    ticks = {"gunicorn": 0, "postgres": 0}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                head, _sep, rest = f.read().rpartition(")")
        except OSError:
            continue
        fields = rest.split()
        used = int(fields[11]) + int(fields[12])  # utime + stime
        if root in (int(entry), int(fields[1])):
            ticks["gunicorn"] += used
        elif head.endswith("(postgres"):
            ticks["postgres"] += used
    return {role: value / os.sysconf("SC_CLK_TCK") for role, value in ticks.items()}


def _order(run: str, i: int) -> bytes:
    return json.dumps({
        "reference": f"{run}-{i}", "kind": "complaint", "complainant_name": "压测", "complainant_phone": "13800000000",
        "respondent_name": f"某商家{i % 97}", "incident_time": "2026年11月20日", "incident_place": "某街道1号",
        "facts": "预付卡余额无法使用", "demand": "退还余额",
    }, ensure_ascii=False).encode()


def _drive(port: int, key: str, run: str, size: int, concurrency: int, queue, path: str = "/api/v1/cases/") -> None:
    """The client process: `concurrency` threads send creates (to `path`) until `size` are done."""
    latencies: list[float] = []
    errors: list[int] = []
    counter = iter(range(size))
    lock = threading.Lock()
    headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json"}

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            body = _order(run, i)
            started = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                conn.close()
                status = 0
            elapsed = time.perf_counter() - started
            with lock:
                if status == 201:
                    latencies.append(elapsed)
                else:
                    errors.append(status)

    started, cpu = time.perf_counter(), time.process_time()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put((time.perf_counter() - started, latencies, errors, time.process_time() - cpu))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=3000, help="creates to send")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    # CPU-bound requests: one worker per core plus one; more only adds context switches.
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2,
                        help="threads per gunicorn worker (more than 1 runs gthread workers, with keep-alive)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL=postgres://... (the benchmark measures the PostgreSQL set-up)")

    key = _setup()
    port = _free_port()
    # DEBUG off as in production, over plain HTTP on loopback: a key of its own, no HTTPS redirect.
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "*", "LOG_LEVEL": "WARNING",
           "DJANGO_SETTINGS_MODULE": "bench.intake_settings", "GUNICORN_ACCESS_LOG": os.devnull,
           "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50), "SECURE_SSL_REDIRECT": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers),
         "--threads", str(args.threads), "--log-level", "warning"],
        env=env,
    )
    try:
        _wait_ready(port)
        run = uuid.uuid4().hex[:8]
        queue = multiprocessing.Queue()
        # Warm up every worker (imports, connections) before measuring.
        warm = multiprocessing.Process(target=_drive, args=(port, key, f"warm-{run}", 100, args.concurrency, queue))
        warm.start()
        queue.get()
        warm.join()
        bare = multiprocessing.Process(target=_drive, args=(port, key, f"bare-{run}", args.size, args.concurrency,
                                                            queue, "/bench/bare/"))
        bare.start()
        bare_duration, bare_latencies, bare_errors, _cpu = queue.get()
        bare.join()
        cpu_before = _cpu_by_role(server.pid)
        client = multiprocessing.Process(target=_drive, args=(port, key, run, args.size, args.concurrency, queue))
        client.start()
        duration, latencies, errors, client_cpu = queue.get()
        client.join()
        cpu_after = _cpu_by_role(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000 if latencies else 0
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000 if latencies else 0
    print(f"creates {len(latencies)} ok, {len(errors)} failed {sorted(set(errors))[:5]} in {duration:.1f} s; "
          f"{args.workers} gunicorn workers, {args.concurrency} client threads, p50 {p50:.1f} ms")
    if latencies:
        per_create = {role: (cpu_after[role] - cpu_before[role]) * 1000 / len(latencies) for role in cpu_after}
        print(f"CPU per create: gunicorn {per_create['gunicorn']:.1f} ms, PostgreSQL {per_create['postgres']:.1f} ms, "
              f"client {client_cpu * 1000 / len(latencies):.1f} ms ({os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.1f})")
    registered, drain_seconds, drain_queries = _drain_registrations()
    print(f"registered the backlog of {registered} cases in {drain_seconds:.1f} s (one worker process)")
    creates, ceiling = len(latencies) / duration, len(bare_latencies) / bare_duration
    registrations = registered / drain_seconds
    bare_latencies.sort()
    bare_p99 = bare_latencies[min(len(bare_latencies) - 1, int(len(bare_latencies) * 0.99))] * 1000
    print(f"bare view: {len(bare_latencies)} ok, {len(bare_errors)} failed in {bare_duration:.1f} s, "
          f"p99 {bare_p99:.1f} ms")
    print(f"RESULT creates_per_second {creates:.0f} /s")
    print(f"RESULT create_p99_ms {p99:.0f} ms")
    print(f"RESULT bare_view_per_second {ceiling:.0f} /s")
    print(f"RESULT creates_share_of_bare_view {100 * creates / ceiling:.0f} %")
    print(f"RESULT registrations_per_second {registrations:.0f} /s")
    print(f"RESULT registrations_share_of_creates {100 * registrations / creates:.0f} %")
    print(f"RESULT queries_per_registration {drain_queries / max(registered, 1):.2f} queries")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    if errors or bare_errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
