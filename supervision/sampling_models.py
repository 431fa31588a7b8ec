"""Follow-up sampling (抽查回访, SPEC §7; seeds: "定期抽查回访"): the rates the center sets per month,
the draws made from a month's archived cases, and the second follow-up of each sampled case."""
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.models.choices import Satisfaction


class SamplingRate(models.Model):
    """The share of a month's archived cases drawn for a second follow-up: one row for the whole
    city (no unit) and, where the center wants another share, one per handling unit."""

    month = models.DateField(_("月份"), help_text=_("该月第一天，如 2026-11-01"))
    unit = models.ForeignKey("routing.Unit", verbose_name=_("承办单位"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+", help_text=_("留空表示全市统一比例"))
    percent = models.PositiveSmallIntegerField(_("抽查比例（%）"), validators=[MaxValueValidator(100)])
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("抽查回访比例")
        verbose_name_plural = _("抽查回访比例")
        ordering = ["-month", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["month", "unit"], name="samplingrate_one_per_unit"),
            models.UniqueConstraint(fields=["month"], condition=Q(unit__isnull=True), name="samplingrate_one_overall"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.unit or _('全市')} {self.percent}%"


class SamplingDraw(models.Model):
    """One month's draw. The seed is kept: the same seed over the same archived cases and rates
    draws the same sample, so anyone can check that it was drawn at random."""

    month = models.DateField(_("月份"), unique=True)
    seed = models.BigIntegerField(_("随机种子"))
    population = models.PositiveIntegerField(_("当月办结件数"))
    drawn_at = models.DateTimeField(_("抽取时间"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("抽取人"))

    class Meta:
        verbose_name = _("抽查回访批次")
        verbose_name_plural = _("抽查回访批次")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} #{self.seed}"


class SampledCase(models.Model):
    """A case drawn for a second follow-up, and what the complainant said."""

    draw = models.ForeignKey(SamplingDraw, on_delete=models.CASCADE, related_name="cases")
    case = models.ForeignKey("complaints.Case", on_delete=models.PROTECT, related_name="samples")
    reached = models.BooleanField(_("是否回访到"), null=True, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=24, choices=Satisfaction.choices, blank=True)
    resolved = models.BooleanField(_("是否解决"), null=True, blank=True)
    comment = models.TextField(_("回访记录"), blank=True)
    followed_up_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    followed_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name=_("回访人"))

    class Meta:
        verbose_name = _("抽查回访工单")
        verbose_name_plural = _("抽查回访工单")
        ordering = ["draw", "case__number"]
        constraints = [models.UniqueConstraint(fields=["draw", "case"], name="sampledcase_once_per_draw")]
        indexes = [models.Index(fields=["followed_up_at"], name="sampledcase_followed_idx")]

    def __str__(self) -> str:
        return f"{self.draw} {self.case_id}"
