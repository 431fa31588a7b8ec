from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("督办")

    def ready(self):
        from complaints.case_panels import case_panel_add
        from complaints.services.history import history_listener_add
        from core.cache import clear_all

        from . import documents
        from .arrivals import arrivals_tell
        from .models import SupervisionSettings
        from .redlines import red_lines_from_history, red_lines_from_history_many
        from .views import case_supervision_panel

        # An edit in this process applies to this process at once; others follow within seconds.
        # (The calendar and time-limit tables are connected by deadlines' own config.)
        post_save.connect(clear_all, sender=SupervisionSettings, dispatch_uid="rules-cache-SupervisionSettings")
        post_delete.connect(clear_all, sender=SupervisionSettings, dispatch_uid="rules-cache-del-SupervisionSettings")

        # Repeat and dissatisfied cases go on the red-line ledger as their history is written.
        history_listener_add(red_lines_from_history, many=red_lines_from_history_many)
        # The center's supervisors (and director) hear of extension requests, returns and replies.
        history_listener_add(arrivals_tell)

        # The case page (complaints) shows supervision's section without importing supervision.
        case_panel_add("supervision/_case_supervision.html", case_supervision_panel)

        # The 督办单 is one of the case's documents (documents app), issued from its panel.
        documents.register()
