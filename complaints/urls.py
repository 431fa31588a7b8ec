from django.urls import path

from . import routing_views, views, views_inbox, views_public, views_routing_import

urlpatterns = [
    path("", views.home, name="home"),
    path("notifications/", views.notifications, name="notifications"),
    path("inbox/", views_inbox.inbox, name="inbox"),
    path("track/", views_public.track, name="track"),
    path("routing/import/", views_routing_import.routing_import_page, name="routing-import"),
    path("routing/import/template/<str:what>.xlsx", views_routing_import.routing_import_template,
         name="routing-import-template"),
    path("routing/import/jobs/<int:job_id>/", views_routing_import.routing_import_job, name="routing-import-job"),
    path("routing/import/jobs/<int:job_id>/confirm/", views_routing_import.routing_import_confirm,
         name="routing-import-confirm"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/new/", views.case_new, name="case-new"),
    path("cases/queue/", routing_views.dispatch_queue, name="dispatch-queue"),
    path("cases/queue/dispatch/", routing_views.dispatch_queue_batch, name="dispatch-queue-batch"),
    path("cases/cross-region/", routing_views.cross_region_list, name="cross-region-list"),
    path("cases/<str:number>/", views.case_detail, name="case-detail"),
    path("cases/<str:number>/edit/", views.case_edit, name="case-edit"),
    path("cases/<str:number>/act/<str:action_name>/", views.case_act, name="case-act"),
    path("cases/<str:number>/evidence/", views.case_attachment_add, name="case-evidence"),
    path("cases/<str:number>/routing/accept/", routing_views.case_accept_proposal, name="case-accept-proposal"),
    path("cases/<str:number>/routing/cohandlers/", routing_views.case_cohandlers, name="case-cohandlers"),
    path("cases/<str:number>/routing/findings/", routing_views.case_findings, name="case-findings"),
    path("cases/<str:number>/routing/cross-region-notice/", routing_views.case_cross_region_notify,
         name="case-cross-region-notify"),
    path("cases/<str:number>/evidence/<int:attachment_id>/", views.case_attachment_download,
         name="case-evidence-download"),
]
