"""Supervision rules the center changes in the admin: escalation periods and hotspot thresholds.
The warning lead is scheduled with each clock, so it is the deadlines app's
(deadlines.DeadlineSettings); the repeat and cluster windows and the professional claimants are
registration's (complaints.IntakeSettings, complaints.ProfessionalClaimant)."""
from datetime import timedelta

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import SingleRowSettings


class SupervisionSettings(SingleRowSettings):
    """One row (pk=1) of thresholds; read with `SupervisionSettings.current()`."""

    parent_after_hours = models.PositiveIntegerField(
        _("升级至上级单位（超期后小时）"), default=24, validators=[MinValueValidator(1)]
    )
    director_after_hours = models.PositiveIntegerField(
        _("升级至中心主任（超期后小时）"), default=72, validators=[MinValueValidator(1)]
    )
    # Hotspot analysis (热点分析): an item is "rising" when it has at least this many cases in the
    # period and grew by at least this much against the previous period of the same length.
    hotspot_min_count = models.PositiveIntegerField(
        _("热点最少件数"), default=5, validators=[MinValueValidator(1)],
        help_text=_("统计期内件数达到此数才可能列为热点")
    )
    hotspot_min_growth_percent = models.PositiveIntegerField(
        _("热点最低增幅（%）"), default=50,
        help_text=_("较上一同长度周期的增幅达到此百分比才列为热点；上期为零的视为新出现")
    )
    hotspot_limit = models.PositiveIntegerField(
        _("每类热点最多列出"), default=10, validators=[MinValueValidator(1)]
    )
    # Who is told when work arrives for the center (supervision/arrivals.py): its supervisors always,
    # the director for the kinds ticked here.
    tell_director_of_extensions = models.BooleanField(
        _("延期申请同时通知中心主任"), default=True, help_text=_("承办单位申请延期时，除督办员外同时通知中心主任")
    )
    tell_director_of_returns = models.BooleanField(
        _("退回同时通知中心主任"), default=False, help_text=_("承办单位退回工单时，除督办员外同时通知中心主任")
    )
    tell_director_of_replies = models.BooleanField(
        _("答复同时通知中心主任"), default=False,
        help_text=_("承办单位答复待核查时，除督办员外同时通知中心主任（舆情敏感工单的答复总是报中心主任）")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("督办规则")
        verbose_name_plural = _("督办规则")

    @property
    def parent_after(self) -> timedelta:
        return timedelta(hours=self.parent_after_hours)

    @property
    def director_after(self) -> timedelta:
        return timedelta(hours=self.director_after_hours)


