from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    """SMS to complainants and real-name reporters, above the case workflow beside integration:
    complaints knows nothing of it; it hears of the history through a listener and shows its panel
    on the case page through the panel registry."""

    name = "messaging"
    verbose_name = _("短信通知")

    def ready(self):
        from complaints.case_panels import case_panel_add
        from complaints.services.history import history_listener_add
        from core.cache import clear_all
        from core.metrics import gauge_add

        from .models import SmsMessage, SmsSettings, SmsTemplate
        from .outbox import sms_enqueue, sms_enqueue_many
        from .views import case_sms_panel

        # The outbox row is written by case_event_record, in the transaction of the change.
        history_listener_add(sms_enqueue, many=sms_enqueue_many)
        case_panel_add("messaging/_case_sms.html", case_sms_panel)
        # /metrics (operations) shows how many messages wait to go out.
        gauge_add("cases12315_sms_outbox_depth", "SMS messages queued and not yet accepted by the gateway.",
                  lambda: SmsMessage.objects.filter(status=SmsMessage.Status.QUEUED).count())
        # Templates and settings are read on every history row from a per-process copy (a cache,
        # dropped on any change in this process: not domain behaviour, so a signal is the tool).
        for model in (SmsSettings, SmsTemplate):
            post_save.connect(clear_all, sender=model, dispatch_uid=f"rules-cache-{model.__name__}")
            post_delete.connect(clear_all, sender=model, dispatch_uid=f"rules-cache-del-{model.__name__}")
