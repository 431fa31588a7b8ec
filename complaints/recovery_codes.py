"""One-time recovery codes for a lost phone (两步验证恢复码): ten are made at enrolment and shown
once; at login one is accepted instead of the dynamic code, once, on the same form and under the
same lock-out as a wrong dynamic code (complaints/login.py); each use is recorded with its address.
Regenerating them (a current dynamic code or an unused recovery code proves it is the owner)
invalidates every unused old one."""
import hashlib
import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import TotpRecoveryCode
from .ratelimit import client_ip

COUNT = 10
# No 0/o, 1/l/i: the codes are read off paper. 16 of 31 symbols: about 79 random bits.
_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
_LENGTH = 16
SESSION_SHOW_KEY = "_totp_recovery_codes_to_show"


def _normalised(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _hashed(user, code: str) -> str:
    return hashlib.sha256(f"{user.pk}:{_normalised(code)}".encode()).hexdigest()


def looks_like_recovery_code(code: str) -> bool:
    code = _normalised(code)
    return len(code) == _LENGTH and all(c in _ALPHABET for c in code)


def recovery_codes_regenerate(*, user) -> list[str]:
    """New codes for `user`; every unused old one stops working. Returns the codes, to show once."""
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH)) for _ in range(COUNT)]
    now = timezone.now()
    with transaction.atomic():
        TotpRecoveryCode.objects.filter(user=user, used_at__isnull=True, invalidated_at__isnull=True) \
            .update(invalidated_at=now)
        TotpRecoveryCode.objects.bulk_create(
            [TotpRecoveryCode(user=user, hashed=_hashed(user, code), created_at=now) for code in codes])
    return ["-".join(code[i:i + 4] for i in range(0, _LENGTH, 4)) for code in codes]


def recovery_code_use(*, user, code: str, request=None) -> bool:
    """True, and the code spent and its use recorded, when `code` is one of `user`'s unused codes."""
    if not looks_like_recovery_code(code):
        return False
    # Claimed with a conditional update: two logins racing with one code cannot both win.
    spent = TotpRecoveryCode.objects.filter(
        user=user, hashed=_hashed(user, code), used_at__isnull=True, invalidated_at__isnull=True,
    ).update(used_at=timezone.now(), used_from=(client_ip(request) or None) if request is not None else None)
    return spent == 1


def recovery_codes_left(user) -> int:
    return TotpRecoveryCode.objects.filter(user=user, used_at__isnull=True, invalidated_at__isnull=True).count()


def recovery_codes_show_once(request, codes: list[str]) -> None:
    request.session[SESSION_SHOW_KEY] = codes


class RegenerateForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("验证器当前的动态码或一枚未用的恢复码"), max_length=24,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}))


@login_required
def recovery_codes_page(request):
    """Shows new codes once (after enrolment or a regeneration), else how many are left and the form
    to make new ones."""
    from .two_factor import second_factor_check, totp_device  # two_factor imports this module

    device = totp_device(request.user)
    if device is None:
        return redirect("totp-enrol")
    form = RegenerateForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid() and second_factor_check(user=request.user, code=form.cleaned_data["code"],
                                                   request=request):
            recovery_codes_show_once(request, recovery_codes_regenerate(user=request.user))
            messages.success(request, _("已生成新的恢复码，原有未使用的恢复码已全部作废。"))
            return redirect("totp-recovery-codes")
        form.add_error("code", _("动态码或恢复码不正确，请重新输入。"))
    shown = request.session.pop(SESSION_SHOW_KEY, None)
    return render(request, "registration/totp_recovery_codes.html", {
        "codes": shown, "left": recovery_codes_left(request.user), "form": form,
    }, status=400 if form.errors else 200)
