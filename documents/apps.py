from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """The official documents (文书) a bureau prints from a case: numbered, kept, reprinted as
    issued. Sits above complaints; the apps above it (supervision's 督办单, reports' weekly
    notice) register their own kinds, as they register their case panels."""

    name = "documents"
    verbose_name = _("文书")

    def ready(self):
        from complaints.case_panels import case_panel_add

        from . import case_kinds
        from .views import case_documents_panel

        case_kinds.register()
        case_panel_add("documents/_case_documents.html", case_documents_panel)
