"""The second factor (TOTP, RFC 6238) for the center and the administrators.

Anyone may enrol on the 两步验证 page (a QR code and the secret for an authenticator app, confirmed
by a first code); from then on the login form (the staff login and the admin login alike,
complaints/login.py) asks for the current code, or one of the recovery codes shown at enrolment
(recovery_codes.py). The roles in TOTP_REQUIRED_ROLES (and superusers
with TOTP_REQUIRED_FOR_SUPERUSERS) must enrol: until they have, every page sends them to enrolment."""
import pyotp
import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import TotpDevice
from .recovery_codes import (
    recovery_code_use,
    recovery_codes_left,
    recovery_codes_regenerate,
    recovery_codes_show_once,
)

SESSION_SECRET_KEY = "_totp_pending_secret"


def totp_required_for(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser and settings.TOTP_REQUIRED_FOR_SUPERUSERS:
        return True
    return bool(user.role) and user.role in settings.TOTP_REQUIRED_ROLES


def totp_device(user) -> TotpDevice | None:
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first() if user and user.pk else None
    return device


def _code_accept(device: TotpDevice, code: str) -> bool:
    """The code of this 30-second step or a neighbour (clocks drift), never one already used."""
    code = (code or "").strip()
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(device.secret)
    now = timezone.now()
    step_now = totp.timecode(now)
    for step in (step_now - 1, step_now, step_now + 1):
        if step > device.last_step and pyotp.utils.strings_equal(totp.generate_otp(step), code):
            # Claimed with a conditional update, so two logins racing with one code cannot both win.
            return TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step) == 1
    return False


def second_factor_check(*, user, code: str, request=None) -> bool:
    """True when `code` is the current dynamic code of `user`'s device or one of their unused
    recovery codes (then spent, and its use recorded)."""
    device = totp_device(user)
    if device is None:
        return False
    return _code_accept(device, code) or recovery_code_use(user=user, code=code, request=request)


def totp_required_code_check(*, user, code: str, request=None) -> bool:
    """For the login form: True when `user` has no confirmed device, or `code` is its current code
    or an unused recovery code."""
    return totp_device(user) is None or second_factor_check(user=user, code=code, request=request)


class EnrolForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("验证器显示的6位动态码"), max_length=6,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
    # A recovery code does as well: the old phone may be the one that was lost.
    current_code = forms.CharField(label=gettext_lazy("原验证器当前的动态码"), max_length=24, required=False,
                                   help_text=gettext_lazy("手机丢失时，可输入一枚未用的恢复码。"))

    def __init__(self, *args, replacing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not replacing:
            del self.fields["current_code"]


@login_required
def totp_enrol(request):
    """Shows the secret (and its QR code) until a first code confirms it; a confirmed device is replaced
    only by enrolling anew after a valid current code, so a borrowed session cannot swap it silently."""
    user = request.user
    confirmed = totp_device(user)
    secret = request.session.get(SESSION_SECRET_KEY) or pyotp.random_base32()
    request.session[SESSION_SECRET_KEY] = secret
    form = EnrolForm(request.POST or None, replacing=confirmed is not None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            candidate = TotpDevice(user=user, secret=secret, last_step=0)
            if confirmed is not None and not second_factor_check(
                    user=user, code=form.cleaned_data.get("current_code", ""), request=request):
                form.add_error("current_code", _("请输入原验证器当前的动态码，以确认是您本人更换。"))
            elif _totp_matches(candidate, form.cleaned_data["code"]):
                with transaction.atomic():
                    TotpDevice.objects.update_or_create(user=user, defaults={
                        "secret": secret, "confirmed_at": timezone.now(),
                        "last_step": pyotp.TOTP(secret).timecode(timezone.now())})
                    codes = recovery_codes_regenerate(user=user)
                del request.session[SESSION_SECRET_KEY]
                recovery_codes_show_once(request, codes)
                messages.success(request, _("两步验证已启用：以后登录时需要输入验证器中的动态码。"))
                return redirect("totp-recovery-codes")
            else:
                form.add_error("code", _("动态码不正确，请确认手机时间准确后重新输入。"))
        status = 400
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name=settings.TOTP_ISSUER)
    return render(request, "registration/totp_enrol.html", {
        "form": form, "secret": secret, "confirmed": confirmed, "required": totp_required_for(user),
        "qr_svg": segno.make(uri, error="m").svg_inline(scale=4),
        "recovery_codes_left": recovery_codes_left(user) if confirmed else None,
    }, status=status)


def _totp_matches(device: TotpDevice, code: str) -> bool:
    code = (code or "").strip()
    return code.isascii() and code.isdigit() and pyotp.TOTP(device.secret).verify(code, valid_window=1)


class TwoFactorEnrolmentMiddleware:
    """A user whose role must have a second factor reaches only the enrolment page (and logout) until
    enrolled; the API answers 403 with the same reason."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and totp_required_for(user) and not self._exempt(request.path) \
                and totp_device(user) is None:
            return redirect(f"{reverse('totp-enrol')}")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        exempt = (reverse("totp-enrol"), reverse("logout"), reverse("login"), "/static/", "/i18n/", "/admin/logout/")
        return path.startswith(exempt)
