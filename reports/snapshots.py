"""What the reports keep: published periodic reports (snapshots) and the weights of the monthly
ranking. Imported by reports/models.py so that Django finds them."""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportSnapshot(models.Model):
    """A published weekly notice or monthly ranking of one scope (the center or a district center).

    Its figures are computed once, when it is published, and stored: a notice that has gone out must
    read the same later, whatever happens to the cases afterwards. One per kind, period and scope;
    the publishing task creates it with get_or_create against the unique constraint, so reruns and
    late catch-up runs never make a second one."""

    class Kind(models.TextChoices):
        WEEKLY_NOTICE = "weekly_notice", _("每周通报")
        MONTHLY_RANKING = "monthly_ranking", _("月度排名")

    kind = models.CharField(_("报表类型"), max_length=20, choices=Kind.choices)
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("结束日期"))
    scope = models.ForeignKey("routing.Unit", verbose_name=_("统计范围"), on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(_("数据"))
    created_at = models.DateTimeField(_("发布时间"))

    class Meta:
        verbose_name = _("已发布报表")
        verbose_name_plural = _("已发布报表")
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "period_start", "scope"], name="report_snapshot_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}–{self.period_end}"


class RankingWeights(models.Model):
    """The weights of the monthly ranking's composite score (one row, pk=1), set by the center.

    Each indicator is scored 0-100: the rates as they are; volume against the largest unit's; average
    handling days and overdue cases from the best unit (100) to the worst (0). The composite is the
    weighted mean of the scores a unit has (a rate with nothing to count in the month is left out
    rather than taken as 0)."""

    volume = models.PositiveSmallIntegerField(_("办件量权重"), default=10)
    completion_rate = models.PositiveSmallIntegerField(_("按期办结率权重"), default=25)
    contact_rate = models.PositiveSmallIntegerField(_("按时联系率权重"), default=15)
    satisfaction_rate = models.PositiveSmallIntegerField(_("满意率权重"), default=20)
    resolution_rate = models.PositiveSmallIntegerField(_("解决率权重"), default=15)
    average_handling_days = models.PositiveSmallIntegerField(_("平均办理工作日权重"), default=5)
    overdue = models.PositiveSmallIntegerField(_("超期件数权重"), default=10)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    INDICATORS = ("volume", "completion_rate", "contact_rate", "satisfaction_rate", "resolution_rate",
                  "average_handling_days", "overdue")

    class Meta:
        verbose_name = _("月度排名权重")
        verbose_name_plural = _("月度排名权重")

    def __str__(self) -> str:
        return str(_("月度排名权重"))

    def clean(self) -> None:
        if not any(getattr(self, name) for name in self.INDICATORS):
            raise ValidationError(_("至少有一项指标的权重大于0。"))

    @classmethod
    def current(cls) -> "RankingWeights":
        return cls.objects.get_or_create(pk=1)[0]

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.INDICATORS}
