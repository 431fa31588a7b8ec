"""The mark of a demo database: written when the demo data is loaded into an empty database, and
the only thing that lets it be loaded again (complaints/demo.py)."""
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DemoDatabase(models.Model):
    loaded_at = models.DateTimeField(_("演示数据载入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("演示数据库标记")
        verbose_name_plural = _("演示数据库标记")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
