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
