from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("基础")

    def ready(self):
        from celery.signals import before_task_publish, task_postrun, task_prerun

        from .logs import task_headers_add, task_request_id_clear, task_request_id_set

        # The request id goes with the tasks a request queues (core/logs.py).
        before_task_publish.connect(task_headers_add, dispatch_uid="request-id-publish")
        task_prerun.connect(task_request_id_set, dispatch_uid="request-id-prerun")
        task_postrun.connect(task_request_id_clear, dispatch_uid="request-id-postrun")
