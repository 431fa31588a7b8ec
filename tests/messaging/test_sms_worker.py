"""A real Celery worker (a subprocess, the Redis broker, the test PostgreSQL database) sends the
receipt of a registration to the gateway moments after the registration committed."""
import pytest

from messaging.models import SmsMessage
from tests.celery_support import wait_for
from tests.factories import case_received

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_worker_sends_the_receipt_after_commit(org, gateway, time_limits, celery_worker_process):
    case = case_received(by=org.clerk, complainant_name="吴建华", complainant_phone="13531881234",
                         respondent_name="江门市蓬江区某家具城", facts="定制衣柜逾期两个月未交货。", demand="要求交货或退还定金。")
    sent = wait_for(lambda: SmsMessage.objects.filter(case=case, status="sent").exists(), timeout=30)
    logs = (celery_worker_process / "worker.log").read_text()[-3000:]
    assert sent, f"not sent within 30 s; worker log:\n{logs}"
    assert [(r.params["PhoneNumbers"], r.template_param["number"]) for r in gateway.received] == [
        ("13531881234", case.number)]
    assert "135****1234" in logs and "13531881234" not in logs
