"""External systems that talk to us over the REST API: who they are, their keys, the references
they file cases under, and the webhook calls we owe them (an outbox).

These models began in `complaints`; their tables keep the names they had there (complaints/migrations
0021, integration/migrations/0001), so the move changed no data."""
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import CaseKind


class ExternalSystem(models.Model):
    """A registered client system (12345 hotline platform, national 12315 platform, a WeChat bridge,
    a unit's own tool). It acts as its `acting_user`, so the user's unit and role decide what it may
    see and do exactly as for a person; `scopes` narrow that further."""

    class Scope(models.TextChoices):
        CASES_READ = "cases:read", _("读取工单")
        CASES_CREATE = "cases:create", _("创建工单")
        CASES_ACT = "cases:act", _("办理工单（状态流转）")
        WEBHOOKS = "webhooks", _("查看和重发回调")

    code = models.SlugField(_("系统代码"), max_length=40, unique=True)
    name = models.CharField(_("系统名称"), max_length=100)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("代理用户（决定单位与角色）"), on_delete=models.PROTECT,
        related_name="external_systems",
    )
    channel = models.CharField(_("来件渠道"), max_length=30, default="api")
    scopes = models.JSONField(_("授权范围"), default=list, blank=True)
    webhook_url = models.URLField(_("回调地址"), blank=True)
    # The HMAC key must be readable to sign calls, so unlike API keys it is not hashed.
    webhook_secret = models.CharField(_("回调签名密钥"), max_length=64, default="", blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    registers_automatically = models.BooleanField(
        _("自动登记"), default=True,
        help_text=_("来件五要素齐全时由系统以代理用户身份自动登记；关闭后，来件停在“已接收”，由登记员审核登记。"),
    )
    requests_per_minute = models.PositiveIntegerField(
        _("每分钟请求上限"), null=True, blank=True,
        help_text=_("超过后接口答复 429 并告知何时可重试；留空为不限。"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        db_table = "complaints_externalsystem"
        verbose_name = _("外部系统")
        verbose_name_plural = _("外部系统")

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def save(self, *args, **kwargs):
        if not self.webhook_secret:
            self.webhook_secret = secrets.token_hex(32)
        super().save(*args, **kwargs)


def api_key_hash(secret: str) -> str:
    # Keys are 256-bit random tokens, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKey(models.Model):
    """One key of an external system, shown once when issued and stored only as a hash.
    A system may hold several (rotation); revoking one leaves the others working."""

    system = models.ForeignKey(ExternalSystem, verbose_name=_("外部系统"), on_delete=models.CASCADE,
                               related_name="keys")
    prefix = models.CharField(_("密钥前缀"), max_length=12, unique=True)
    hashed = models.CharField(_("密钥摘要"), max_length=64)
    created_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        db_table = "complaints_apikey"
        verbose_name = _("接口密钥")
        verbose_name_plural = _("接口密钥")

    def __str__(self) -> str:
        return f"{self.system.code} {self.prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.system.is_active


class StaffToken(models.Model):
    """An API token of a member of staff (`Authorization: Token <prefix>.<secret>`), shown once when
    issued and stored only as a hash, like an external system's key; it expires (STAFF_TOKEN_DAYS)
    and can be revoked. It replaces DRF's authtoken, which kept the token itself and never expired."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="api_tokens")
    prefix = models.CharField(_("令牌前缀"), max_length=12, unique=True)
    hashed = models.CharField(_("令牌摘要"), max_length=64)
    created_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("用户接口令牌")
        verbose_name_plural = _("用户接口令牌")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    def is_valid_at(self, now) -> bool:
        return self.revoked_at is None and now < self.expires_at and self.user.is_active


class ExternalCaseRef(models.Model):
    """The client's own reference for a case it filed. The unique (system, reference) pair is what
    makes create idempotent: a retry of the same work order finds this row instead of a new case."""

    system = models.ForeignKey(ExternalSystem, on_delete=models.PROTECT, related_name="case_refs")
    reference = models.CharField(_("外部系统编号"), max_length=64)
    case = models.OneToOneField("complaints.Case", on_delete=models.PROTECT, related_name="external_origin")
    fingerprint = models.CharField(_("内容摘要"), max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    # Set at receipt when the system registers automatically; cleared once the worker has tried.
    registration_pending = models.BooleanField(_("待自动登记"), default=False)
    # The platform's own times, as it sent them. Statutory clocks count from our receipt (the
    # case's received_at); the platform's due time is a clock of its own (platform_due).
    platform_received_at = models.DateTimeField(_("平台接收时间"), null=True, blank=True)
    platform_due_at = models.DateTimeField(_("平台办结期限"), null=True, blank=True)

    class Meta:
        db_table = "complaints_externalcaseref"
        verbose_name = _("外部工单编号")
        verbose_name_plural = _("外部工单编号")
        constraints = [
            models.UniqueConstraint(fields=["system", "reference"], name="external_ref_unique_per_system"),
        ]
        indexes = [
            models.Index(fields=["id"], condition=Q(registration_pending=True), name="external_ref_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.system.code}:{self.reference}"


class WebhookDelivery(models.Model):
    """One call owed to an external system, written in the transaction of the change it reports, so
    it exists exactly when the change does; a worker delivers it later and records each attempt."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("已放弃")

    system = models.ForeignKey(ExternalSystem, on_delete=models.CASCADE, related_name="deliveries")
    case = models.ForeignKey("complaints.Case", on_delete=models.CASCADE, related_name="webhook_deliveries")
    event = models.CharField(_("事件"), max_length=40)
    payload = models.JSONField(_("内容"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True, default=timezone.now)
    last_attempt_at = models.DateTimeField(_("最近尝试时间"), null=True, blank=True)
    response_code = models.PositiveIntegerField(_("响应码"), null=True, blank=True)
    last_error = models.CharField(_("错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    # A worker sending it now holds it until then (integration/webhooks.py: claim, commit, send, record).
    claimed_until = models.DateTimeField(_("发送占用至"), null=True, blank=True)

    class Meta:
        # Partitioned by month on `created_at` on PostgreSQL, primary key (id, created_at) there
        # (core/partitions.py, migration 0005); nothing points here.
        db_table = "complaints_webhookdelivery"
        verbose_name = _("回调记录")
        verbose_name_plural = _("回调记录")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="webhook_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.case_id} → {self.system.code}"


class Open311Service(models.Model):
    """A GeoReport v2 service offered to 311-style clients, mapped to the case kind and category it
    files as. Editable in the admin."""

    service_code = models.SlugField(_("服务代码"), max_length=40, unique=True)
    service_name = models.CharField(_("服务名称"), max_length=100)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    group = models.CharField(_("分组"), max_length=60, blank=True)
    kind = models.CharField(_("工单类型"), max_length=20, choices=CaseKind.choices)
    category = models.ForeignKey("routing.Category", verbose_name=_("业务分类"), null=True, blank=True,
                                 on_delete=models.PROTECT)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        db_table = "complaints_open311service"
        verbose_name = _("Open311服务")
        verbose_name_plural = _("Open311服务")
        ordering = ["service_code"]

    def __str__(self) -> str:
        return self.service_name
