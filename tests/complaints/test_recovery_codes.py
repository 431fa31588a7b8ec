"""Recovery codes for a lost phone: ten shown once at enrolment (only their hashes kept), each accepted
once at login instead of the dynamic code and its use recorded, regenerated with the old ones
invalidated, and a wrong one counted towards the lock-out like a wrong dynamic code."""
import re
import time

import pyotp
import pytest
from django.core.cache import cache
from django.test import Client

from complaints.models import TotpRecoveryCode
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Jiangmen-12315-pw"
CODE = re.compile(r"<code>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})</code>")


@pytest.fixture(autouse=True)
def counts_start_empty():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def director(org):
    user = UserFactory(username="director", unit=org.center, role="director")
    user.set_password(PASSWORD)
    user.save()
    return user


def _enrol(user) -> tuple[Client, str, list[str]]:
    client = Client()
    client.force_login(user)
    client.get("/accounts/two-factor/")
    secret = client.session["_totp_pending_secret"]
    response = client.post("/accounts/two-factor/", {"code": pyotp.TOTP(secret).now()}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/accounts/two-factor/recovery-codes/"
    assert "只显示这一次" in page
    return client, secret, CODE.findall(page)


def _login(code, client=None, **extra):
    return (client or Client(**extra)).post("/accounts/login/", {
        "username": "director", "password": PASSWORD, "otp_token": code})


def test_ten_codes_are_shown_once_and_only_their_hashes_are_kept(director):
    client, _, codes = _enrol(director)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = set(TotpRecoveryCode.objects.filter(user=director).values_list("hashed", flat=True))
    assert len(stored) == 10 and not stored & ({c.replace("-", "") for c in codes} | set(codes))
    again = client.get("/accounts/two-factor/recovery-codes/").content.decode()
    assert CODE.findall(again) == [] and "还有 10 枚未使用的恢复码" in again


def test_a_recovery_code_logs_in_once_and_its_use_is_recorded(director):
    _, _, codes = _enrol(director)
    client = Client(REMOTE_ADDR="10.1.2.3")
    response = _login(codes[3].upper().replace("-", " "), client)  # as typed off paper
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(director.pk)
    assert client.get("/cases/").status_code == 200
    used = TotpRecoveryCode.objects.get(user=director, used_at__isnull=False)
    assert used.used_from == "10.1.2.3"

    refused = _login(codes[3])
    assert refused.status_code == 200 and "动态验证码不正确" in refused.content.decode()
    assert _login(codes[4]).status_code == 302
    assert TotpRecoveryCode.objects.filter(user=director, used_at__isnull=False).count() == 2


def test_regenerating_invalidates_the_old_codes(director):
    client, secret, old = _enrol(director)
    refused = client.post("/accounts/two-factor/recovery-codes/", {"code": "000000"})
    assert refused.status_code == 400 and "动态码或恢复码不正确" in refused.content.decode()
    response = client.post("/accounts/two-factor/recovery-codes/",
                           {"code": pyotp.TOTP(secret).at(time.time() + 30)}, follow=True)
    new = CODE.findall(response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert "原有未使用的恢复码已全部作废" in response.content.decode()
    assert "动态验证码不正确" in _login(old[0]).content.decode()
    assert _login(new[0]).status_code == 302


def test_wrong_recovery_codes_lock_the_account_out_like_wrong_dynamic_codes(director, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    _, _, codes = _enrol(director)
    for n in range(3):
        _login(f"aaaa-bbbb-cccc-{n:04d}".replace("0", "2"), REMOTE_ADDR=f"10.0.0.{n + 1}")
    locked = _login(codes[0], REMOTE_ADDR="10.0.0.9")
    assert locked.status_code == 200 and "登录失败次数过多" in locked.content.decode()
    # The code was not spent by the refused attempt.
    assert not TotpRecoveryCode.objects.filter(user=director, used_at__isnull=False).exists()


def test_the_recovery_codes_page_is_english_on_request(director):
    from tests.test_languages import _chinese_left

    client, _, _ = _enrol(director)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/accounts/two-factor/recovery-codes/").content.decode()
    assert "10 unused recovery codes left" in page and _chinese_left(page) == []
