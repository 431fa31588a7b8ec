"""Who a case is routed to beyond its handling unit: the routing proposal, co-handling and informed
units (协办、知会备案), and the file-anywhere notice (同城通办告知)."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.notes import render as note_render


class CaseRouting(models.Model):
    """The unit the rules propose for a registered case, and why. Recomputed when the details that
    decide it change; kept so the dispatch queue shows proposals without re-running the rules."""

    case = models.OneToOneField("complaints.Case", on_delete=models.CASCADE, related_name="routing")
    proposed_unit = models.ForeignKey(
        "routing.Unit", verbose_name=_("建议承办单位"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    rule = models.ForeignKey(
        "routing.RoutingRule", verbose_name=_("适用规则"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("分流依据"), max_length=300)
    # The reason as a message with its values, read in the reader's language (core/notes.py).
    reason_i18n = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)

    class Meta:
        verbose_name = _("分流建议")
        verbose_name_plural = _("分流建议")

    def __str__(self) -> str:
        return self.reason

    @property
    def display_reason(self) -> str:
        return note_render(self.reason_i18n) if self.reason_i18n else self.reason


class CaseAssignment(models.Model):
    """A unit other than the lead (the case's handling unit) that takes part in a case: a co-handler
    (协办单位) adds findings; an informed unit (a district center bypassed by a direct command) is
    told of the dispatch and gets the reply on file."""

    class Role(models.TextChoices):
        CO_HANDLER = "co_handler", _("协办单位")
        INFORMED = "informed", _("知会备案单位")

    case = models.ForeignKey("complaints.Case", on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("routing.Unit", verbose_name=_("单位"), on_delete=models.PROTECT,
                             related_name="case_assignments")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    assigned_at = models.DateTimeField(_("时间"), default=timezone.now)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("指定人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("协办/知会单位")
        verbose_name_plural = _("协办/知会单位")
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "unit", "role"], name="case_assignment_unique"),
        ]
        indexes = [models.Index(fields=["unit", "role"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.unit} {self.get_role_display()}"


class CrossRegionNotice(models.Model):
    """同城通办: the unit that took in a case outside its jurisdiction must tell the respondent's unit
    within the policy's time (the cross_region_notice clock) and file the case with the center."""

    case = models.OneToOneField("complaints.Case", on_delete=models.CASCADE, related_name="cross_region_notice")
    receiving_unit = models.ForeignKey("routing.Unit", verbose_name=_("受理单位"), on_delete=models.PROTECT,
                                       related_name="+")
    target_unit = models.ForeignKey("routing.Unit", verbose_name=_("被投诉人所在地单位"), on_delete=models.PROTECT,
                                    related_name="+")
    due_at = models.DateTimeField(_("告知期限"), null=True, blank=True)
    notified_at = models.DateTimeField(_("告知时间"), null=True, blank=True)
    notified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("告知人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("告知内容"), blank=True)

    class Meta:
        verbose_name = _("同城通办告知")
        verbose_name_plural = _("同城通办告知")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.target_unit}"

    @property
    def status(self) -> str:
        """sent / late (sent after the deadline) / overdue / pending."""
        if self.notified_at is not None:
            return "late" if self.due_at and self.notified_at > self.due_at else "sent"
        if self.due_at is not None and timezone.now() >= self.due_at:
            return "overdue"
        return "pending"

    @property
    def status_label(self) -> str:
        return str({"sent": _("已告知"), "late": _("逾期告知"), "overdue": _("已逾期未告知"),
                    "pending": _("待告知")}[self.status])
