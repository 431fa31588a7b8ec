"""Project-wide pytest setup.

- Tests marked ``postgres``, ``replica``, ``redis``, ``redis_cache``, ``production`` or ``browser`` are skipped,
  with the reason, when that service is not available here.
- When ``CI`` is set, any skipped test fails the session: CI must run everything.
- Uploaded files go to a temporary MEDIA_ROOT, never to var/media.
- On PostgreSQL, the flush that ends each transactional test may empty the case history, which the
  database otherwise refuses to anyone (complaints/migrations/0020).
"""
from __future__ import annotations

import functools
import importlib.util
import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")


# --- service availability -------------------------------------------------------------------------


@functools.cache
def _postgres_unavailable() -> str | None:
    from django.db import connections

    vendor = connections["default"].vendor
    if vendor != "postgresql":
        return f"needs PostgreSQL: the default database is {vendor} (set DATABASE_URL=postgres://...)"
    return None


@functools.cache
def _redis_unavailable() -> str | None:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return "needs Redis: REDIS_URL is not set"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as exc:  # any failure means "not available"
        return f"needs Redis: ping to REDIS_URL failed ({exc.__class__.__name__}: {exc})"
    return None


@functools.cache
def _redis_cache_unavailable() -> str | None:
    url = os.environ.get("CACHE_URL", "")
    if not url.startswith("redis"):
        return "needs a Redis cache: CACHE_URL is not set to redis://... (a database other than REDIS_URL's)"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as exc:  # any failure means "not available"
        return f"needs a Redis cache: ping to CACHE_URL failed ({exc.__class__.__name__}: {exc})"
    return None


@functools.cache
def _production_unavailable() -> str | None:
    import shutil

    missing = [tool for tool in ("nginx", "openssl") if not (shutil.which(tool) or Path(f"/usr/sbin/{tool}").exists())]
    if missing:
        return f"needs {' and '.join(missing)} for the production shape (apt-get install nginx openssl)"
    return _postgres_unavailable()


@functools.cache
def _browser_unavailable() -> str | None:
    if not CHROMIUM.exists():
        return f"needs chromium: {CHROMIUM} is missing (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "needs chromium: the playwright package is not importable"
    return None


@functools.cache
def _replica_unavailable() -> str | None:
    if not os.environ.get("DATABASE_REPLICA_URL"):
        return "needs a streaming replica: DATABASE_REPLICA_URL is not set (scripts/replica_setup.sh)"
    return _postgres_unavailable()


_SERVICE_CHECKS = {
    "replica": _replica_unavailable,
    "postgres": _postgres_unavailable,
    "redis": _redis_unavailable,
    "browser": _browser_unavailable,
    "redis_cache": _redis_cache_unavailable,
    "production": _production_unavailable,
}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Done at setup (not collection) so markers added by any conftest's collection hook count.
    for marker, check in _SERVICE_CHECKS.items():
        if item.get_closest_marker(marker) is not None:
            reason = check()
            if reason:
                pytest.skip(reason)


# --- CI: a skip is a failure ----------------------------------------------------------------------

_skipped: list[tuple[str, str]] = []


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def _ci() -> bool:
    return bool(os.environ.get("CI", ""))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # An xfail is reported with outcome "skipped" too; it is not a skip.
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append((report.nodeid, _skip_reason(report)))


def pytest_collectreport(report: pytest.CollectReport) -> None:
    # Module-level pytest.skip()/importorskip() skip during collection.
    if report.skipped:
        _skipped.append((report.nodeid or str(report.fspath), _skip_reason(report)))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    ok = (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED)
    if _ci() and _skipped and session.exitstatus in ok:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if not (_ci() and _skipped):
        return
    terminalreporter.section("CI: skipped tests fail the run", sep="=", red=True, bold=True)
    for nodeid, reason in _skipped:
        terminalreporter.line(f"SKIPPED {nodeid}: {reason}", red=True)
    terminalreporter.line(
        f"{len(_skipped)} test(s) skipped while CI is set; every service must be available in CI.",
        red=True,
        bold=True,
    )


# --- isolation ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _media_root(tmp_path_factory: pytest.TempPathFactory):
    """Send each test's uploads to a directory of its own: case numbers start again in every test's
    database, so a shared directory would rename one test's evidence after another's."""
    from django.test import override_settings

    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=str(media)):
        yield media


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_history_guard():
    """Django's flush after a transactional or live-server test is one TRUNCATE of every table, and
    the history's trigger refuses TRUNCATE. The suite connects as a superuser, which may apply a
    statement as a replica does, with triggers off: the flush does so, in its own transaction only."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        return ["SET LOCAL session_replication_role = replica", *statements] if statements else statements

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original
