from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("投诉举报工单")

    def ready(self):
        from django.contrib.auth import get_user_model

        from core.cache import clear_all

        from .models import ApiKey, ExternalSystem

        # The API keeps a per-process copy of keys with their systems and acting users.
        for model in (ApiKey, ExternalSystem, get_user_model()):
            post_save.connect(clear_all, sender=model, dispatch_uid=f"api-keys-{model.__name__}")
            post_delete.connect(clear_all, sender=model, dispatch_uid=f"api-keys-del-{model.__name__}")
