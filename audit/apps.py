from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("规则变更记录")

    def ready(self):
        from .recording import rule_history_connect

        rule_history_connect(self)
