"""Staff login under attack: a lock-out per account and per address with a clear message, at the staff
login and the admin login alike; Django's password validators; an idle session ends; TOTP."""
import time

import pyotp
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client

from complaints.models import TotpDevice
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Jiangmen-12315-pw"
LOCKED = "登录失败次数过多"


@pytest.fixture(autouse=True)
def counts_start_empty():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clerk(org):
    org.clerk.set_password(PASSWORD)
    org.clerk.save()
    return org.clerk


def _login(client, username, password, path="/accounts/login/", **extra):
    return client.post(path, {"username": username, "password": password, **extra})


def test_an_account_is_locked_out_after_five_failures_even_with_the_right_password(clerk, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    client = Client()
    for _ in range(5):
        page = _login(client, "clerk", "wrong-guess").content.decode()
        assert "用户名或密码不正确" in page and LOCKED not in page
    response = _login(client, "clerk", PASSWORD)
    assert response.status_code == 200 and LOCKED in response.content.decode()
    assert "15 分钟后再试" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from another address is not affected.
    other = UserFactory(username="clerk2", unit=clerk.unit, role="clerk")
    other.set_password(PASSWORD)
    other.save()
    assert _login(Client(REMOTE_ADDR="10.0.0.9"), "clerk2", PASSWORD).status_code == 302


def test_a_success_before_the_limit_clears_the_account_count(clerk, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    for _ in range(2):
        _login(Client(), "clerk", "wrong-guess")
    assert _login(Client(), "clerk", PASSWORD).status_code == 302
    for _ in range(2):
        _login(Client(), "clerk", "wrong-guess")
    assert _login(Client(), "clerk", PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_locked_out(clerk, settings):
    settings.LOGIN_FAILURES_PER_IP = 4
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for name in ["a1", "a2", "a3", "a4"]:
        _login(guesser, name, "123456")
    assert LOCKED in _login(guesser, "clerk", PASSWORD).content.decode()
    assert _login(Client(REMOTE_ADDR="198.51.100.2"), "clerk", PASSWORD).status_code == 302


def test_the_admin_login_is_locked_out_the_same_way(org, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    root = UserFactory(username="root", is_staff=True, is_superuser=True, unit=org.center)
    root.set_password(PASSWORD)
    root.save()
    client = Client()
    for _ in range(3):
        _login(client, "root", "admin123", path="/admin/login/")
    response = _login(client, "root", PASSWORD, path="/admin/login/")
    assert response.status_code == 200 and LOCKED in response.content.decode()
    # The same account is locked at the staff door too: one count per account.
    assert LOCKED in _login(Client(), "root", PASSWORD).content.decode()


def test_weak_passwords_are_refused_by_the_standard_validators(org):
    for weak in ["12345678", "password123", "clerk12315"[:6], "2026120112315"]:
        with pytest.raises(ValidationError):
            validate_password(weak, user=org.clerk)
    validate_password("Penjiang-Baisha-2026", user=org.clerk)


def test_an_idle_session_ends(clerk, settings):
    client = Client()
    assert _login(client, "clerk", PASSWORD).status_code == 302
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_TIMEOUT_SECONDS == 1800
    from django.contrib.sessions.models import Session

    session = Session.objects.get(session_key=client.session.session_key)
    session.expire_date = session.expire_date.replace(year=2000)  # 30 minutes without a request, and more
    session.save()
    response = client.get("/cases/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_activity_pushes_the_session_expiry_forward(clerk):
    client = Client()
    _login(client, "clerk", PASSWORD)
    session = client.session
    session["_seen"] = int(time.time()) - 120
    session.save()
    from django.contrib.sessions.models import Session

    before = Session.objects.get(session_key=session.session_key).expire_date
    client.get("/cases/")
    assert Session.objects.get(session_key=session.session_key).expire_date > before


def _enrol(client) -> str:
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    secret = client.session["_totp_pending_secret"]
    assert secret in page.content.decode()
    response = client.post("/accounts/two-factor/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    return secret


def test_after_enrolment_the_login_asks_for_the_current_code(org):
    director = UserFactory(username="director", unit=org.center, role="director")
    director.set_password(PASSWORD)
    director.save()
    client = Client()
    client.force_login(director)
    secret = _enrol(client)
    assert TotpDevice.objects.get(user=director).confirmed_at is not None

    refused = _login(Client(), "director", PASSWORD)
    assert refused.status_code == 200 and "动态验证码不正确" in refused.content.decode()
    totp = pyotp.TOTP(secret)
    code = totp.at(time.time() + 30)  # the next step's code (the enrolment used the current one)
    assert _login(Client(), "director", PASSWORD, otp_token=code).status_code == 302
    # The same code a second time is refused (seen over a shoulder, it cannot be replayed).
    assert "动态验证码不正确" in _login(Client(), "director", PASSWORD, otp_token=code).content.decode()


def test_a_role_that_must_have_a_second_factor_reaches_only_the_enrolment_page(org, settings):
    settings.TOTP_REQUIRED_ROLES = ["supervisor", "director"]
    client = Client()
    client.force_login(org.supervisor)
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"] == "/accounts/two-factor/"
    assert "您的岗位要求启用两步验证" in client.get("/accounts/two-factor/").content.decode()
    _enrol(client)
    assert client.get("/cases/").status_code == 200
    # A handler's role is not listed: no enrolment asked for.
    handler = Client()
    handler.force_login(org.handler)
    assert handler.get("/cases/").status_code == 200


def test_replacing_an_enrolled_device_needs_the_current_devices_code(org):
    client = Client()
    client.force_login(org.supervisor)
    old_secret = _enrol(client)
    new_secret = client.get("/accounts/two-factor/") and client.session["_totp_pending_secret"]
    refused = client.post("/accounts/two-factor/", {"code": pyotp.TOTP(new_secret).now(), "current_code": ""})
    assert refused.status_code == 400 and "原验证器当前的动态码" in refused.content.decode()
    assert TotpDevice.objects.get(user=org.supervisor).secret == old_secret
    replaced = client.post("/accounts/two-factor/", {"code": pyotp.TOTP(new_secret).now(),
                                                     "current_code": pyotp.TOTP(old_secret).at(time.time() + 30)})
    assert replaced.status_code == 302 and TotpDevice.objects.get(user=org.supervisor).secret == new_secret
