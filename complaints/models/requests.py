from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExtensionRequest(models.Model):
    """A unit's request to move its handling deadline (延期申请), and the center's decision."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("不批准")

    case = models.ForeignKey("complaints.Case", on_delete=models.PROTECT, related_name="extension_requests")
    reason = models.TextField(_("申请理由"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    requested_days = models.PositiveIntegerField(_("申请延长工作日"))
    # Which deadline moves: the unit's handling deadline, or the statutory report clock (举报核查,
    # extended once by the policy's length with the center's approval).
    clock = models.CharField(_("延长的时限"), max_length=40, default="handling", choices=[
        ("handling", _("办理时限")), ("statutory_report_decision", _("举报核查时限（法定）"))])
    decision = models.CharField(_("审批结果"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("审批人"),
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    new_due_date = models.DateField(_("新截止日"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_decision_display()}"
