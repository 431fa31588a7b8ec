"""The test suite's settings: the real ones (config/settings.py) with DEBUG off, as in production, and
the few values a plain-HTTP test client needs. They are put in the environment, not only here, so
the processes a test starts (gunicorn, Celery) read the same. A test that wants the production
values gives its process an environment of its own (tests/deploy/)."""
import os

os.environ.setdefault("SECRET_KEY", "test-only-key-not-a-secret-" + "x" * 30)
os.environ.setdefault("ALLOWED_HOSTS", "*")
for _name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
    os.environ.setdefault(_name, "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")

from config.settings import *  # noqa: E402,F403
from config.settings import CACHE_URL  # noqa: E402

# Tests read static files through the finders: no collectstatic, so no manifest of hashed names.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# Each test process counts rate limits on its own unless a Redis cache is configured (CACHE_URL):
# test files run in parallel would otherwise clear one another's counts in a shared file cache.
if not CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}

# The replica (issue 17) is a test mirror of the default database: no test database is created on it
# (a replica refuses writes), and Django points it at the test database's name, so a real replica
# (DATABASE_REPLICA_URL, CI) reads test_<name>, which streaming replication copies there. Without
# one, the alias is the primary itself. Reads meant for the replica go through the default
# connection (REPLICA_AS_MIRROR), so a test sees its own uncommitted rows; the replica test
# (tests/core/test_replica.py) turns that off and reads the real replica.
DATABASES["replica"] = {**DATABASES.get("replica", DATABASES["default"]), "TEST": {"MIRROR": "default"}}  # noqa: F405
REPLICA_AS_MIRROR = True
