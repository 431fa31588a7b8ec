from django.db import models
from django.utils.translation import gettext_lazy as _


class DeclineReason(models.Model):
    """A fixed reason for not registering a case (不予登记), with the notice the complainant receives."""

    code = models.CharField(_("编码"), max_length=40, unique=True)
    title = models.CharField(_("理由"), max_length=100)
    notice_text = models.TextField(_("告知书内容"))
    suggests_transfer = models.BooleanField(_("宜移送其他部门"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("不予登记理由")
        verbose_name_plural = _("不予登记理由")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.title
