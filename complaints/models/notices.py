from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message in a unit's or a user's in-app inbox (supervision orders, notices, decisions).

    Addressed to a unit (everyone in it sees it) or to one user; e-mailed where an address is set.
    """

    class Kind(models.TextChoices):
        NOTICE = "notice", _("知会")
        SUPERVISION_ORDER = "supervision_order", _("督办单")
        ESCALATION = "escalation", _("升级督办")
        WARNING = "warning", _("时限预警")
        EXTENSION = "extension", _("延期审批")
        DISPATCH = "dispatch", _("新工单")
        CROSS_REGION = "cross_region", _("同城通办")
        SYSTEM = "system", _("系统")

    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    recipient_unit = models.ForeignKey(
        "routing.Unit", verbose_name=_("接收单位"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="notifications",
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="notifications",
    )
    case = models.ForeignKey(
        "complaints.Case", verbose_name=_("工单"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        # Partitioned by month on `created_at` on PostgreSQL, primary key (id, created_at) there
        # (core/partitions.py); nothing points here.
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient_unit", "read_at"]),
            models.Index(fields=["recipient_user", "read_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient_unit__isnull=False) | models.Q(recipient_user__isnull=False),
                name="notification_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return self.title
