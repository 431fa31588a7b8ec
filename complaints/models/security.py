"""Who saw what and how staff prove who they are: the personal-data access log and TOTP devices."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TotpDevice(models.Model):
    """A member of staff's authenticator app (RFC 6238, 30-second codes). Confirmed once the user
    has typed a first code; from then on the login asks for a code. `last_step` refuses a code
    used twice (a code seen over a shoulder cannot be replayed within its 30 seconds)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                                related_name="totp_device")
    secret = models.CharField(_("密钥"), max_length=64)
    confirmed_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    last_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("两步验证设备")
        verbose_name_plural = _("两步验证设备")

    def __str__(self) -> str:
        return str(self.user)


class TotpRecoveryCode(models.Model):
    """One of the one-time codes given at enrolment for a lost phone. Only a hash is kept: a code
    carries about 80 random bits, so a plain SHA-256 (salted with the user) cannot be reversed and
    checking one costs no CPU an attacker could exhaust, unlike a password hash. Its one use is
    recorded (when, from where); a regeneration invalidates the unused ones."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="totp_recovery_codes")
    hashed = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    used_from = models.GenericIPAddressField(_("使用地址"), null=True, blank=True)
    invalidated_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("两步验证恢复码")
        verbose_name_plural = _("两步验证恢复码")

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"


class PersonalDataAccess(models.Model):
    """One showing of a complainant's or reporter's identity to a member of staff (or a system):
    who, when, which case, which fields, through which door and from which address. Written by
    complaints/identity.py, the one place that decides whether identity is shown. `alert` marks
    a reporter's identity seen outside the handling unit and the center (Order 20 art. 33)."""

    class Channel(models.TextChoices):
        PAGE = "page", _("工单页面")
        EXPORT = "export", _("导出")
        API = "api", _("接口")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("查看人"), null=True,
                             on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("routing.Unit", verbose_name=_("查看人单位"), null=True, on_delete=models.PROTECT,
                             related_name="+")
    case = models.ForeignKey("complaints.Case", verbose_name=_("工单"), on_delete=models.PROTECT,
                             related_name="+")
    fields = models.JSONField(_("查看字段"), default=list)
    channel = models.CharField(_("途径"), max_length=10, choices=Channel.choices)
    path = models.CharField(_("请求地址"), max_length=255, blank=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    reporter = models.BooleanField(_("举报人身份"), default=False)
    alert = models.BooleanField(_("异常查看"), default=False, db_index=True)

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["case", "at"], name="pdaccess_case_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.case_id}"
