"""When the deadline sweep last succeeded and how long it took: /health/ fails when it is older than
two sweep intervals (a dead beat or worker means no case is escalated), /metrics reports both."""
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SweepRun(models.Model):
    """One row per periodic job (today only the deadline sweep), overwritten by each successful run."""

    name = models.CharField(_("任务"), max_length=40, primary_key=True)
    succeeded_at = models.DateTimeField(_("最近成功时间"))
    duration_seconds = models.FloatField(_("耗时（秒）"))

    class Meta:
        verbose_name = _("定时任务运行记录")
        verbose_name_plural = _("定时任务运行记录")

    def __str__(self) -> str:
        return f"{self.name} {self.succeeded_at:%Y-%m-%d %H:%M:%S}"

    DEADLINES = "deadlines-sweep"

    @classmethod
    def record(cls, *, name: str, duration_seconds: float) -> None:
        cls.objects.update_or_create(name=name, defaults={"succeeded_at": timezone.now(),
                                                          "duration_seconds": duration_seconds})

    @classmethod
    def last(cls, name: str) -> "SweepRun | None":
        return cls.objects.filter(name=name).first()
