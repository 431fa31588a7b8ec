"""What supervision records about cases: escalation steps (督办) and the red-line ledger (挂牌销号).
Cases are referred to by name only, so this leaf module imports nothing from the apps above it.
Clusters of complaints (集中投诉) are formed at registration, so they are complaints' table
(complaints.CaseCluster); supervision turns them into batch actions."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Escalation(models.Model):
    """One escalation step of one clock of a case. The unique constraint makes each level happen
    once, whichever sweep gets there first; the sweep inserts with ON CONFLICT DO NOTHING."""

    class Level(models.IntegerChoices):
        ORDER = 1, _("督办单（承办单位及负责人）")
        PARENT = 2, _("升级督办（上级单位）")
        DIRECTOR = 3, _("升级督办（中心主任）")

    case = models.ForeignKey("complaints.Case", on_delete=models.CASCADE, related_name="escalations")
    clock = models.ForeignKey("deadlines.CaseClock", on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField(_("督办级别"), choices=Level.choices)
    unit = models.ForeignKey(
        "routing.Unit", verbose_name=_("责任单位"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("承办人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # An approved extension was in force when the deadline passed: counted apart from plain overdue.
    with_extension = models.BooleanField(_("已批准延期"), default=False)
    due_at = models.DateTimeField(_("截止时间"))
    created_at = models.DateTimeField(_("督办时间"))
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "clock", "level"], name="escalation_once_per_level"),
        ]
        indexes = [
            models.Index(fields=["notified_at"], condition=Q(notified_at__isnull=True),
                         name="escalation_unnotified_idx"),
            models.Index(fields=["unit", "level", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_level_display()}"


class RedLineItem(models.Model):
    """A ledger item (台账) for a red-line case: overdue, repeat or dissatisfied. Items are closed one
    by one (销号), by the center or a district center for its own units; the month an item opened is
    kept so each month can be cleared."""

    class Reason(models.TextChoices):
        OVERDUE = "overdue", _("超期")
        REPEAT = "repeat", _("重复投诉")
        DISSATISFIED = "dissatisfied", _("不满意")

    case = models.ForeignKey("complaints.Case", on_delete=models.CASCADE, related_name="red_lines")
    reason = models.CharField(_("红线类型"), max_length=20, choices=Reason.choices)
    opened_at = models.DateTimeField(_("挂牌时间"))
    month = models.DateField(_("所属月份"), help_text=_("挂牌当月的第一天"))
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("销号人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    close_note = models.TextField(_("销号说明"), blank=True)

    class Meta:
        verbose_name = _("红线台账")
        verbose_name_plural = _("红线台账")
        ordering = ["month", "opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "reason"], condition=Q(closed_at__isnull=True), name="redline_one_open_item"
            ),
        ]
        indexes = [models.Index(fields=["month", "closed_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_reason_display()}"
