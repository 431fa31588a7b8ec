"""SMS throughput: registrations at a platform's peak rate, each owing a receipt SMS, through the
outbox, a Celery worker and an Alibaba Cloud-shaped gateway on 127.0.0.1.

    DATABASE_URL=postgres://... REDIS_URL=redis://... python -m bench.sms [--size 500] [--rate 500]
        [--threads 4] [--worker-threads 4]

`--rate` is registrations per minute (0: as fast as the threads go). The registrations run in this
process through `case_receive` (the clerk's service: case, history, clocks and the outbox row in one
transaction); a worker subprocess sends the messages to the gateway stub, which checks every
signature. First a tenth of the registrations run with SMS switched off, for the intake baseline.

Then `--drain` registrations are made with no worker running and one worker (threads pool) drains
the backlog: its rate is the outbox's capacity. Then `--size` registrations at `--rate` with the
worker running. Prints `RESULT sms_per_second` (during the peak), `RESULT sms_drain_per_second`,
`RESULT sms_latency_p50_ms`/`p99_ms` (outbox row written → gateway took it), `RESULT intake_p99_ms`
with and without SMS, and the machine's load.
"""
import argparse
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setup():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command

    from routing.models import Unit, User

    call_command("migrate", verbosity=0)
    center, _ = Unit.objects.get_or_create(code="BENCH-SMS", defaults={"name": "压测中心", "kind": Unit.Kind.CENTER})
    clerk, created = User.objects.get_or_create(username="bench-sms-clerk",
                                                defaults={"unit": center, "role": User.Role.CLERK})
    if created:
        from complaints.migrations_support import role_groups_ensure

        role_groups_ensure()
    return User.objects.get(pk=clerk.pk)


def _fields(run: str, i: int) -> dict:
    return {
        "kind": "complaint", "channel": "hotline_12345", "complainant_name": "压测投诉人",
        "complainant_phone": f"139{int(run, 16) % 10000:04d}{i % 10000:04d}",
        "respondent_name": f"江门市蓬江区某商行{i % 97}", "incident_time": "2026年11月30日",
        "incident_place": "江门市蓬江区白沙街道建设二路12号", "facts": "购买的电热水器漏水，商家拒绝退换。",
        "demand": "要求退货退款。",
    }


def _register(clerk, run: str, indices: list[int], rate: float, started: float, latencies: list, lock):
    from django.db import connection

    from complaints.services import case_receive

    for i in indices:
        if rate:
            wait = started + i * 60.0 / rate - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
        t0 = time.perf_counter()
        case_receive(by=clerk, fields=_fields(run, i))
        with lock:
            latencies.append((time.perf_counter() - t0) * 1000)
    connection.close()


def _intake(clerk, run: str, first: int, count: int, rate: float, threads: int) -> list[float]:
    latencies, lock = [], threading.Lock()
    started = time.perf_counter() - first * 60.0 / rate if rate else time.perf_counter()
    chunks = [list(range(first + t, first + count, threads)) for t in range(threads)]
    workers = [threading.Thread(target=_register, args=(clerk, run, chunk, rate, started, latencies, lock))
               for chunk in chunks]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies


def _worker_start(sms_env: dict, threads: int) -> subprocess.Popen:
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=threads", f"--concurrency={threads}",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env={**os.environ, **sms_env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    return worker


def _wait_sent(messages, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while messages.filter(status="queued").exists() and time.monotonic() < deadline:
        time.sleep(0.5)


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) >= 2 else (values[0] if values else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--rate", type=float, default=500, help="registrations per minute (0: unpaced)")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--worker-threads", type=int, default=4)
    parser.add_argument("--drain", type=int, default=300, help="backlog drained by the worker first")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        raise SystemExit("bench.sms needs DATABASE_URL=postgres://... and REDIS_URL=redis://...")

    from messaging.gateway_stub import GatewayStub

    gateway = GatewayStub(key_id="LTAI5tBench", secret="bench-secret").start()
    sms_env = {"SMS_BACKEND": "messaging.backends.AliyunBackend", "SMS_GATEWAY_URL": gateway.url,
               "SMS_ACCESS_KEY_ID": "LTAI5tBench", "SMS_ACCESS_KEY_SECRET": "bench-secret"}
    os.environ.update(sms_env)
    clerk = _setup()
    import redis
    from django.db.models import Count, Max, Min
    from django.utils import timezone

    from messaging.models import SmsMessage, SmsSettings

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()  # no messages left over from other runs
    run = os.urandom(2).hex()
    baseline = max(args.size // 10, 10)
    settings_row = SmsSettings.current()
    settings_row.enabled = False
    settings_row.save()
    without = _intake(clerk, run, 0, baseline, 0, args.threads)
    settings_row.enabled = True
    settings_row.save()
    time.sleep(6)  # every process's copy of the settings has expired (RULES_CACHE_SECONDS)

    # Capacity: a backlog queued while no worker runs, then drained by one worker process.
    since = timezone.now()
    _intake(clerk, run, baseline, args.drain, 0, args.threads)
    backlog = SmsMessage.objects.filter(created_at__gte=since)
    worker = _worker_start(sms_env, args.worker_threads)
    try:
        _wait_sent(backlog)
        drained = backlog.filter(status="sent").aggregate(first=Min("sent_at"), last=Max("sent_at"), n=Count("id"))
        drain_rate = drained["n"] / max((drained["last"] - drained["first"]).total_seconds(), 1e-9)

        # The peak: registrations at the platform's rate while the worker sends.
        since = timezone.now()
        load_before = os.getloadavg()[0]
        t0 = time.perf_counter()
        with_sms = _intake(clerk, run, baseline + args.drain, args.size, args.rate, args.threads)
        intake_seconds = time.perf_counter() - t0
        messages = SmsMessage.objects.filter(created_at__gte=since)
        _wait_sent(messages)
        load_after = os.getloadavg()[0]
        total = messages.count()
        sent = messages.filter(status="sent").count()
        span = messages.filter(status="sent").aggregate(first=Min("created_at"), last=Max("sent_at"))
        seconds = max((span["last"] - span["first"]).total_seconds(), 1e-9) if sent else float("inf")
        latencies = [(m.sent_at - m.created_at).total_seconds() * 1000
                     for m in messages.filter(status="sent").only("created_at", "sent_at")]
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
        gateway.stop()

    print(f"registrations {args.size} in {intake_seconds:.1f} s (target rate {args.rate or 'unpaced'} /min), "
          f"messages {total}, sent {sent}, gateway requests {len(gateway.received)}, "
          f"load average {load_before:.1f} → {load_after:.1f} ({os.cpu_count()} cores)")
    print(f"RESULT sms_per_second {sent / seconds:.1f} /s")
    print(f"RESULT sms_drain_per_second {drain_rate:.1f} /s")
    print(f"RESULT sms_latency_p50_ms {statistics.median(latencies) if latencies else 0:.0f} ms")
    print(f"RESULT sms_latency_p99_ms {_p99(latencies):.0f} ms")
    print(f"RESULT intake_p99_ms_with_sms {_p99(with_sms):.0f} ms")
    print(f"RESULT intake_p99_ms_without_sms {_p99(without):.0f} ms")
    print(f"RESULT load_average {load_after:.1f}")


if __name__ == "__main__":
    main()
