from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = _("时限与工作日")

    def ready(self):
        from core.cache import clear_all

        from .models import CalendarDay, DeadlineSettings, HolidaySchedule, TimeLimit

        # An edit in this process applies to this process at once; others follow within seconds.
        for model in (TimeLimit, DeadlineSettings, CalendarDay, HolidaySchedule):
            post_save.connect(clear_all, sender=model, dispatch_uid=f"rules-cache-{model.__name__}")
            post_delete.connect(clear_all, sender=model, dispatch_uid=f"rules-cache-del-{model.__name__}")
