from types import SimpleNamespace

import pytest

from routing.models import Unit, User
from tests.celery_support import (  # noqa: F401 (fixtures)
    celery_prefork_worker_process,
    celery_processes,
    celery_worker_process,
    time_limits,
)
from tests.factories import UnitFactory, UserFactory


@pytest.fixture
def org(db):
    """A small city: the center, a district center with two stations, an external department, and
    one user per role where the work needs one."""
    center = UnitFactory(code="C", name="市12315指挥中心", kind=Unit.Kind.CENTER)
    district = UnitFactory(code="D01", name="蓬江区12315受理中心", kind=Unit.Kind.DISTRICT_CENTER, parent=center)
    station = UnitFactory(code="S0101", name="白沙市场监管所", kind=Unit.Kind.STATION, parent=district)
    other_station = UnitFactory(code="S0102", name="环市市场监管所", kind=Unit.Kind.STATION, parent=district)
    far_district = UnitFactory(code="D02", name="新会区12315受理中心", kind=Unit.Kind.DISTRICT_CENTER, parent=center)
    far_station = UnitFactory(code="S0201", name="会城市场监管所", kind=Unit.Kind.STATION, parent=far_district)
    external = UnitFactory(code="X01", name="市住建局", kind=Unit.Kind.EXTERNAL)
    return SimpleNamespace(
        center=center, district=district, station=station, other_station=other_station,
        far_district=far_district, far_station=far_station, external=external,
        clerk=UserFactory(username="clerk", unit=center, role=User.Role.CLERK),
        supervisor=UserFactory(username="supervisor", unit=center, role=User.Role.SUPERVISOR),
        district_supervisor=UserFactory(username="district", unit=district, role=User.Role.SUPERVISOR),
        handler=UserFactory(username="handler", unit=station, role=User.Role.HANDLER),
        leader=UserFactory(username="leader", unit=station, role=User.Role.UNIT_LEADER),
        other_handler=UserFactory(username="other", unit=other_station, role=User.Role.HANDLER),
        far_handler=UserFactory(username="far", unit=far_station, role=User.Role.HANDLER),
    )


@pytest.fixture(autouse=True)
def site_language(settings):
    # A request in English (LocaleMiddleware) leaves English active in the thread; every test
    # starts in the site's default language, as a new request without a preference would.
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0.2 s per user; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def rules_read_fresh(settings):
    # Each test builds its own rules in a transaction that is rolled back afterwards: a copy kept
    # from another test would be wrong (tests/supervision/test_rules_cache.py covers the copies).
    # Copies a test kept on purpose are dropped too, since row ids are reused after a rollback.
    from core.cache import clear_all
    from routing.auth import permissions_changed

    settings.RULES_CACHE_SECONDS = 0
    permissions_changed()
    clear_all()
    yield
    permissions_changed()
    clear_all()


@pytest.fixture(autouse=True)
def rate_limits_ask_the_shared_cache():
    # After a test with the cache down, each process counts on its own for a few seconds and keeps
    # those counts (complaints/ratelimit.py); the next test starts with the shared cache again.
    from complaints.ratelimit import shared_cache_reset

    shared_cache_reset()
    yield
    shared_cache_reset()


@pytest.fixture
def redis_down(settings):
    """The cache is Redis, and Redis does not answer: a real client against a port nobody listens on,
    with the timeouts of config/settings.py (the shared Redis server itself is never stopped)."""
    working = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6399/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    from django.core.cache import cache
    from redis.exceptions import ConnectionError as RedisConnectionError

    with pytest.raises(RedisConnectionError):
        cache.get("anything")  # really unreachable, not merely empty
    yield settings.CACHES["default"]["LOCATION"]
    # Back before other fixtures' teardown, which may clear the working cache.
    settings.CACHES = working


@pytest.fixture
def mailoutbox(mailoutbox, monkeypatch):
    """pytest-django's outbox, with the mail task (core/tasks.py, run by the outbound worker in
    production) run in this process as soon as it is queued."""
    from core.tasks import mail_send_task

    monkeypatch.setattr(mail_send_task, "delay", lambda *args, **kwargs: mail_send_task.apply(args, kwargs))
    return mailoutbox
