"""The clock rows of a case: one per running or finished time limit."""
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .limits import Clock, LimitUnit


class CaseClock(models.Model):
    """One running or finished time limit of a case (dispatch, contact, handling, redo, statutory ...).

    Every clock is a row, so a case shows all its running clocks and the deadline sweep can find the
    ones due with one indexed query instead of looping over cases. Started, stopped, extended,
    paused and recounted by `deadlines.services` only; its colour is `deadlines.selectors.clock_colour`.
    The case is named by string: this layer imports nothing from the workflow above it.
    """

    Clock = Clock

    class Warning(models.TextChoices):
        NONE = "none", _("正常")
        YELLOW = "yellow", _("临期（黄）")
        RED = "red", _("超期（红）")

    case = models.ForeignKey("complaints.Case", on_delete=models.CASCADE, related_name="clocks")
    clock = models.CharField(_("时限"), max_length=40, choices=Clock.choices)
    started_at = models.DateTimeField(_("起算时间"))
    # Empty while the official schedule of the year the count reaches is not loaded.
    due_date = models.DateField(_("期限届满日"), null=True, blank=True)
    due_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    pending_reason = models.CharField(_("未能计算原因"), max_length=300, blank=True)
    limit_amount = models.PositiveIntegerField(_("时限"))
    limit_unit = models.CharField(_("时限单位"), max_length=20, choices=LimitUnit.choices)
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    # Working days added by approved extensions; kept apart so a calendar correction can recount.
    extended_days = models.PositiveIntegerField(_("延期工作日"), default=0)
    stopped_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    paused_at = models.DateTimeField(_("暂停时间"), null=True, blank=True)
    pause_reason = models.CharField(_("暂停原因"), max_length=200, blank=True)
    # Working days that passed while paused (检验检测鉴定); added to the due date like an extension.
    paused_working_days = models.PositiveIntegerField(_("暂停工作日"), default=0)
    # The deadline before the first approved extension: past it, stage replies are owed.
    original_due_at = models.DateTimeField(_("原截止时间"), null=True, blank=True)
    # The sweep's record of the colour it last acted on (what it notified and escalated); what a
    # page shows is computed from warn_at/due_at by selectors.clock_colour, which never lags it.
    warning = models.CharField(_("预警"), max_length=10, choices=Warning.choices, default=Warning.NONE)
    warn_at = models.DateTimeField(_("预警时间"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)

    class Meta:
        # The table kept the name it had in complaints: moving the model copied no row.
        db_table = "complaints_caseclock"
        verbose_name = _("工单时限")
        verbose_name_plural = _("工单时限")
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "clock"], condition=Q(stopped_at__isnull=True), name="one_running_clock_per_kind"
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(stopped_at__isnull=True), name="running_clock_due_idx"),
            # The inbox sorts a unit's cases by their nearest running deadline.
            models.Index(fields=["case", "due_at"], condition=Q(stopped_at__isnull=True),
                         name="running_clock_case_due_idx"),
            # The sweep's two questions, each answered from an index holding only what may change.
            models.Index(fields=["escalation_level", "due_at"],
                         condition=Q(stopped_at__isnull=True, paused_at__isnull=True, escalation_level__lt=3),
                         name="clock_escalation_due_idx"),
            models.Index(fields=["warn_at"],
                         condition=Q(stopped_at__isnull=True, paused_at__isnull=True, warning="none"),
                         name="clock_warn_idx"),
            # Reports count clocks due or stopped in a period (on time, late), finished ones included.
            models.Index(fields=["due_at"], name="clock_due_idx"),
            models.Index(fields=["stopped_at"], condition=Q(stopped_at__isnull=False), name="clock_stopped_idx"),
            # The running week's notice reads the running deadlines extended by approval that have
            # passed all the same (reports/selectors_notice_kept.py): a few of every clock.
            models.Index(fields=["due_at"], condition=Q(extended_days__gt=0, stopped_at__isnull=True),
                         name="clock_extended_running_idx"),
            # Stage replies owed after an extension (supervision.selectors.stage_reply_owed, also in
            # the weekly notice): the extended clocks only, not every running one.
            models.Index(fields=["original_due_at"], condition=Q(original_due_at__isnull=False),
                         name="clock_original_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_clock_display()} {self.due_date or self.pending_reason}"

    @property
    def is_running(self) -> bool:
        return self.stopped_at is None

    @property
    def met_deadline(self) -> bool | None:
        if self.stopped_at is None or self.due_at is None:
            return None
        return self.stopped_at <= self.due_at

    @property
    def colour(self) -> str:
        """none / yellow / red now (see selectors.clock_colour), for the API."""
        from ..selectors import clock_colour

        return clock_colour(self, now=timezone.now())

    def status_at(self, now) -> str:
        """pending / paused / running / overdue / met / late / ended at `now`, as pages show it."""
        from ..selectors import clock_colour

        if self.stopped_at is None and self.paused_at is not None:
            return "paused"  # a paused clock is never overdue
        if self.due_at is None:
            # Stopped before its due date could be counted: whether it was met is not known.
            return "pending" if self.stopped_at is None else "ended"
        if self.stopped_at is None:
            # Overdue exactly when it shows red: one rule for the word and the colour.
            return "overdue" if clock_colour(self, now=now) == "red" else "running"
        return "met" if self.stopped_at <= self.due_at else "late"

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())
