from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """What the people running the site need: /health/ for the load balancer, /metrics for
    Prometheus, request ids in the logs. The top layer below config: it reads every app's numbers."""

    name = "operations"
    verbose_name = _("运行监控")

    def ready(self):
        from .gauges import gauges_register

        gauges_register()
