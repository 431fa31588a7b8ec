"""Staff login that holds under attack: failed attempts are counted per account and per client
address in the shared cache (complaints/ratelimit.py, so every web process counts together), and
once either reaches its limit the login is refused before the password is even hashed, with a
message saying for how long. The staff login page and the admin login use the same forms, so the
same rule holds at both doors; a second factor (two_factor.py) is asked for on the same form.

Our own counters rather than django-axes: they already count across processes in Redis and fall
back to per-process counting when Redis is away, and a lock-out is a window in the cache, not a
table to clear by hand."""
import time

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .ratelimit import attempt_record, attempts_clear, attempts_exceeded, client_ip
from .two_factor import totp_required_code_check

SESSION_SEEN_KEY = "_seen"
# The session is written again at most this often to push its expiry forward.
SEEN_RESOLUTION_SECONDS = 60


def _keys(request, username: str) -> dict[str, int]:
    return {
        f"login:account:{username.strip().lower()}": settings.LOGIN_FAILURES_PER_ACCOUNT,
        f"login:ip:{client_ip(request) if request else ''}": settings.LOGIN_FAILURES_PER_IP,
    }


class LockoutMixin:
    """Refuses a locked-out account or address, counts each failure, clears the account on success."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确，请重新输入。"),
        "locked_out": _("登录失败次数过多，账号或本机地址已被锁定，请 %(minutes)s 分钟后再试，或联系系统管理员。"),
        "invalid_totp": _("动态验证码不正确或已过期，请查看验证器应用重新输入。"),
    }

    otp_token = forms.CharField(
        label=_("动态验证码"), required=False, max_length=24,
        help_text=_("已启用两步验证的账号必填，见手机验证器应用；手机丢失时可输入一枚恢复码。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        keys = _keys(self.request, username)
        if attempts_exceeded(limits=keys):
            raise forms.ValidationError(
                self.error_messages["locked_out"], code="locked_out",
                params={"minutes": max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)})
        try:
            cleaned = super().clean()
            if not totp_required_code_check(user=self.get_user(), code=self.cleaned_data.get("otp_token", ""),
                                            request=self.request):
                raise forms.ValidationError(self.error_messages["invalid_totp"], code="invalid_totp")
        except forms.ValidationError:
            attempt_record(keys=list(keys), window_seconds=settings.LOGIN_LOCKOUT_SECONDS)
            raise
        attempts_clear(keys=[next(iter(keys))])
        return cleaned


class StaffAuthenticationForm(LockoutMixin, AuthenticationForm):
    otp_token = LockoutMixin.otp_token


class StaffAdminAuthenticationForm(LockoutMixin, AdminAuthenticationForm):
    otp_token = LockoutMixin.otp_token
    error_messages = {**LockoutMixin.error_messages, **{
        key: AdminAuthenticationForm.error_messages[key] for key in ("inactive",)}}


class SessionIdleMiddleware:
    """Ends a session after SESSION_IDLE_TIMEOUT_SECONDS without a request: the session's expiry
    (SESSION_COOKIE_AGE) is pushed forward by writing it again, once a minute at most."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and getattr(request, "user", None) is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get(SESSION_SEEN_KEY, 0) >= SEEN_RESOLUTION_SECONDS:
                session[SESSION_SEEN_KEY] = now
        return self.get_response(request)
