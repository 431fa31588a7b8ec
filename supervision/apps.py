from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("督办与时限")

    def ready(self):
        from complaints.services.history import history_listener_add
        from core.cache import clear_all

        from .models import CalendarDay, HolidaySchedule, SupervisionSettings, TimeLimit
        from .redlines import red_lines_from_history

        # An edit in this process applies to this process at once; others follow within seconds.
        for model in (TimeLimit, SupervisionSettings, CalendarDay, HolidaySchedule):
            post_save.connect(clear_all, sender=model, dispatch_uid=f"rules-cache-{model.__name__}")
            post_delete.connect(clear_all, sender=model, dispatch_uid=f"rules-cache-del-{model.__name__}")
        # Repeat and dissatisfied cases go on the red-line ledger as their history is written.
        history_listener_add(red_lines_from_history)
