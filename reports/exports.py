"""A month's cases exported to Excel as a background job (issue 17): what the user asked for, how far
the worker has got, and the file when it is done. Imported by reports/models.py."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseExport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导出中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT,
                                     related_name="+")
    scope = models.ForeignKey("routing.Unit", verbose_name=_("统计范围"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("月份"), help_text=_("该月的第一天"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("总行数"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("已导出行数"), default=0)
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("案件导出")
        verbose_name_plural = _("案件导出")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.scope} {self.month:%Y-%m}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)
