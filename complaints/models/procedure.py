"""The statutory track of a complaint or report (法定程序): the grounds the orders allow, and each
decision a unit records (受理 / 不予受理, the mediation outcome, 立案 / 不予立案, 重复举报不予处理, 并案).

Why decisions are rows of their own rather than FSM states: the case's main line (received →
registered → dispatched → handling → replied → archived) is the center's internal workflow and stays
readable; the statutory decisions happen *along* it (a unit accepts a complaint it is already
handling, mediates while handling, decides on a report before replying). Only the decisions that end
a case change its state (不予受理 → not_accepted, 重复举报不予处理 → not_processed). Each decision is a
`LegalDecision` row with who, when, the ground and its notice, the amount recovered; the case keeps
a short summary of the latest outcome per track (`Case.acceptance`, `mediation_outcome`,
`report_decision`) for the FSM conditions and for set-based figures.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.legal_basis import LegalBasis


class StatutoryGround(models.Model):
    """A ground an order allows for a decision, with the notice (告知) the complainant or reporter
    receives. Edited by the center's legal staff in the admin: when a rule changes a new row with a
    later `effective_from` is added, so older cases keep the grounds of their own order. Rows the
    official text has not confirmed are marked 待核实 (`unverified`) in the admin and on the policy page."""

    class Track(models.TextChoices):
        NOT_ACCEPT = "not_accept", _("不予受理")
        MEDIATION_END = "mediation_end", _("终止调解")
        REPORT_NOT_OPEN = "report_not_open", _("不予立案")

    track = models.CharField(_("适用决定"), max_length=20, choices=Track.choices)
    code = models.CharField(_("编码"), max_length=40)
    title = models.CharField(_("情形"), max_length=200)
    notice_text = models.TextField(_("告知内容"), help_text=_("告知投诉人/举报人的文字，短信与告知书使用此内容"))
    legal_basis = models.CharField(_("依据规章"), max_length=20, choices=LegalBasis.choices)
    source = models.CharField(_("出处（条款）"), max_length=200,
                              help_text=_("如：市场监管总局令第20号第十五条第（一）项"))
    effective_from = models.DateField(_("生效日期"), help_text=_("按工单接收日期适用"))
    unverified = models.BooleanField(_("待核实"), default=False,
                                     help_text=_("条款或文字尚未与官方文本核对，请法制人员核实后取消勾选"))
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("法定情形")
        verbose_name_plural = _("法定情形")
        ordering = ["track", "legal_basis", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["track", "legal_basis", "code", "effective_from"],
                                    name="statutory_ground_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class LegalDecision(models.Model):
    """One statutory decision on a case, written by `complaints.services.procedure` in the same
    transaction as the case's transition, its history row and its clocks. Never edited: a later
    decision on the same track (an entrusted mediation's result) is a new row."""

    class Track(models.TextChoices):
        ACCEPTANCE = "acceptance", _("受理决定")
        MEDIATION = "mediation", _("调解")
        REPORT = "report", _("举报处理决定")

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("受理")
        NOT_ACCEPTED = "not_accepted", _("不予受理")
        AGREEMENT = "agreement", _("达成调解协议")
        TERMINATED = "terminated", _("终止调解")
        ENTRUSTED = "entrusted", _("委托调解")
        CASE_OPENED = "case_opened", _("立案")
        NOT_OPENED = "not_opened", _("不予立案")
        REPEAT = "repeat", _("重复举报不予处理")
        MERGED = "merged", _("并案处理")

    case = models.ForeignKey("complaints.Case", on_delete=models.PROTECT, related_name="legal_decisions")
    track = models.CharField(_("程序"), max_length=20, choices=Track.choices)
    outcome = models.CharField(_("决定"), max_length=20, choices=Outcome.choices)
    # The order the case is held to, as it was when decided (see core.legal_basis).
    legal_basis = models.CharField(_("依据规章"), max_length=20, choices=LegalBasis.choices)
    ground = models.ForeignKey(StatutoryGround, verbose_name=_("法定情形"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    # The notice as sent: the ground's text at the time, so a later edit of the row changes no past notice.
    notice_text = models.TextField(_("告知内容"), blank=True)
    note = models.TextField(_("说明"), blank=True)
    amount_recovered = models.DecimalField(_("挽回经济损失（元）"), max_digits=12, decimal_places=2,
                                           null=True, blank=True)
    agreement_text = models.TextField(_("调解协议内容"), blank=True)
    agreement_file = models.FileField(_("调解协议书"), upload_to="agreements/%Y/%m/", blank=True)
    entrusted_to = models.CharField(_("受委托调解组织"), max_length=200, blank=True)
    # The earlier report a repeat is linked to, or the lead case of a merge (并案).
    related_case = models.ForeignKey("complaints.Case", verbose_name=_("关联工单"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("决定人"), null=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_by_unit = models.ForeignKey("routing.Unit", verbose_name=_("决定单位"), null=True,
                                        on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("决定时间"), default=timezone.now)

    class Meta:
        verbose_name = _("法定程序决定")
        verbose_name_plural = _("法定程序决定")
        ordering = ["decided_at", "pk"]
        indexes = [models.Index(fields=["case", "track"], name="legal_decision_case_track")]
        constraints = [
            models.CheckConstraint(condition=Q(amount_recovered__isnull=True) | Q(amount_recovered__gte=0),
                                   name="legal_decision_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_outcome_display()}"
