from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("统计分析")

    def ready(self):
        from . import notice_document

        # The published weekly notice can be issued as a numbered document (documents app).
        notice_document.register()
