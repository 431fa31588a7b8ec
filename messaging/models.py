"""SMS (短信) to complainants and real-name reporters: the center's gateway settings, the message
kinds (which history action sends which registered template with which parameters), and the outbox.

An `SmsMessage` is written by a history listener in the transaction of the change it tells of, so it
exists exactly when the change does; a worker sends it afterwards (messaging/delivery.py).
Lifecycle: queued → sent (the gateway took it) → delivered (the gateway's delivery report), or
queued → failed (the gateway refused it for good, the attempts ran out, or the report says so)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import SingleRowSettings


class SmsSettings(SingleRowSettings):
    """The registered signature (短信签名) and the switch. The look-up address the messages give is
    `settings.PUBLIC_TRACK_URL`, as on the printed receipt."""

    enabled = models.BooleanField(_("发送短信"), default=True,
                                  help_text=_("关闭后不再生成新的短信（已排队的照常发送）。"))
    sign_name = models.CharField(_("短信签名"), max_length=20, default="江门市场监管",
                                 help_text=_("在短信服务商处报备通过的签名，不含【】。"))

    class Meta:
        verbose_name = _("短信设置")
        verbose_name_plural = _("短信设置")


class SmsTemplate(models.Model):
    """One kind of message: when a history row of `action` is written (and its data match
    `condition`), the template `template_code` registered with the gateway is sent with the
    `parameters` (template variable → source, see messaging/params.py). Versions of one kind share
    its `code`; the version in force on the day of the event applies, a disabled one sends nothing."""

    code = models.SlugField(_("消息类型"), max_length=40)
    name = models.CharField(_("名称"), max_length=60)
    action = models.CharField(_("履历操作"), max_length=30,
                              help_text=_("写入该操作的履历时发送，如 register、decline、reply。"))
    condition = models.JSONField(_("条件"), default=dict, blank=True,
                                 help_text=_("履历详情须包含的值，如 {\"approved\": true}；留空为不限。"))
    template_code = models.CharField(_("模板编号"), max_length=40,
                                     help_text=_("服务商审核通过的模板编号，如 SMS_482760001。"))
    text = models.TextField(_("模板内容"), help_text=_("报备的模板正文，变量写作 ${name}，用于核对和本地发送。"))
    parameters = models.JSONField(_("模板参数"), default=dict, blank=True,
                                  help_text=_("变量名 → 取值来源，如 {\"number\": \"case.number\"}。"))
    enabled = models.BooleanField(_("启用"), default=True)
    effective_from = models.DateField(_("生效日期"))
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("短信模板")
        verbose_name_plural = _("短信模板")
        ordering = ["code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="sms_template_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.template_code}）"


class SmsMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENT = "sent", _("已发送")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("发送失败")

    case = models.ForeignKey("complaints.Case", on_delete=models.CASCADE, related_name="sms_messages")
    # The history row that caused it (empty for a receipt the clerk sent by hand). Its id, not a
    # foreign key: nothing may hold the append-only history table back from its own guards.
    event_id = models.BigIntegerField(_("履历编号"), null=True, blank=True)
    template = models.ForeignKey(SmsTemplate, verbose_name=_("短信模板"), on_delete=models.PROTECT)
    kind = models.CharField(_("消息类型"), max_length=40)
    # One message per event, kind and recipient, however often the listener or a worker runs.
    key = models.CharField(_("去重键"), max_length=80, unique=True)
    phone = models.CharField(_("手机号码"), max_length=20)
    sign_name = models.CharField(_("短信签名"), max_length=20)
    template_code = models.CharField(_("模板编号"), max_length=40)
    params = models.JSONField(_("模板参数"), default=dict)
    # What the phone shows (without the signature), as rendered when the message was written.
    text = models.TextField(_("短信内容"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True, default=timezone.now)
    # A worker's claim on a queued message while it talks to the gateway: no other sends it meanwhile.
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("最近尝试时间"), null=True, blank=True)
    last_error = models.CharField(_("错误"), max_length=300, blank=True)
    gateway_id = models.CharField(_("回执编号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    resent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("重发人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    resent_at = models.DateTimeField(_("重发时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信记录")
        verbose_name_plural = _("短信记录")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="queued"), name="sms_due_idx"),
            models.Index(fields=["gateway_id"], condition=~Q(gateway_id=""), name="sms_gateway_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.case_id} → {mask_phone(self.phone)}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


def mask_phone(phone: str) -> str:
    """138****1234: what logs and pages show of a phone number."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 8 else "****"
