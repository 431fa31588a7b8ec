from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("投诉举报工单")

    def ready(self):
        from core.cache import clear_all

        from .models import IntakeSettings

        # An edit in this process applies to this process at once; others follow within seconds.
        post_save.connect(clear_all, sender=IntakeSettings, dispatch_uid="rules-cache-IntakeSettings")
        post_delete.connect(clear_all, sender=IntakeSettings, dispatch_uid="rules-cache-del-IntakeSettings")
