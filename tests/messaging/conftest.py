"""The SMS tests: the message kinds as the migration seeds them, and a real gateway on 127.0.0.1."""
import importlib

import pytest

from config.celery import app
from messaging import outbox
from messaging.gateway_stub import GatewayStub
from messaging.models import SmsTemplate

SEED = importlib.import_module("messaging.migrations.0002_seed_sms_templates")


@pytest.fixture(autouse=True)
def sms_templates(db):
    """The seeded kinds (a transactional test elsewhere may have flushed the migration's rows)."""
    if not SmsTemplate.objects.exists():
        SEED.seed(django_apps, None)


class _Apps:
    @staticmethod
    def get_model(app_label, name):
        from django.apps import apps

        return apps.get_model(app_label, name)


django_apps = _Apps()


@pytest.fixture(autouse=True)
def broker_trusted():
    # A broker outage in one test makes this process stop publishing for a while; not the next test.
    outbox._broker_down_until = 0.0
    yield
    outbox._broker_down_until = 0.0


@pytest.fixture
def gateway(settings, monkeypatch):
    """An Alibaba Cloud-shaped SMS gateway on 127.0.0.1 that checks signatures and records what it got;
    the settings point the HTTP backend at it (the environment too, for a worker subprocess)."""
    stub = GatewayStub(key_id="LTAI5tJiangmen12315", secret="jm-12315-test-secret").start()
    values = {"SMS_BACKEND": "messaging.backends.AliyunBackend", "SMS_GATEWAY_URL": stub.url,
              "SMS_ACCESS_KEY_ID": stub.state.key_id, "SMS_ACCESS_KEY_SECRET": stub.state.secret}
    for name, value in values.items():
        setattr(settings, name, value)
        monkeypatch.setenv(name, value)
    yield stub
    stub.stop()


@pytest.fixture
def eager_tasks():
    """Tasks queued after commit run at once in this process, as a worker would run them."""
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def broker_down():
    keys = ("broker_url", "broker_connection_retry", "broker_connection_max_retries", "broker_transport_options")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(broker_url="redis://127.0.0.1:1/0", broker_connection_retry=False,
                    broker_connection_max_retries=0, broker_transport_options={"max_retries": 0})
    _forget_connections()
    yield
    app.conf.update(saved)
    _forget_connections()


def _forget_connections():
    # Celery caches its connection and producer pools; drop them so the broker URL is read again.
    app._pool = None
    app.amqp._producer_pool = None
