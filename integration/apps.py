from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class IntegrationConfig(AppConfig):
    """External systems above the case workflow: the REST API and Open311, API keys, the webhook
    outbox. Complaints knows nothing of them; they hear of its history through a listener."""

    name = "integration"
    verbose_name = _("外部系统对接")

    def ready(self):
        from django.contrib.auth import get_user_model

        from complaints.case_panels import case_panel_add
        from complaints.services.history import history_listener_add
        from core.cache import clear_all

        from .models import ApiKey, ExternalSystem
        from .selectors import case_origin_panel
        from .webhooks import webhook_enqueue, webhooks_enqueue

        # The outbox row is written by case_event_record, in the transaction of the change.
        history_listener_add(webhook_enqueue, many=webhooks_enqueue)
        # The platform's own number and times for a work order it sent, on the case page.
        case_panel_add("integration/_case_origin.html", case_origin_panel)
        # The API keeps a per-process copy of keys with their systems and acting users: a cache,
        # dropped on any change (not domain behaviour, so a signal is the right tool).
        for model in (ApiKey, ExternalSystem, get_user_model()):
            post_save.connect(clear_all, sender=model, dispatch_uid=f"api-keys-{model.__name__}")
            post_delete.connect(clear_all, sender=model, dispatch_uid=f"api-keys-del-{model.__name__}")
