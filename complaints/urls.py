from django.urls import path

from . import views, views_inbox, views_public

urlpatterns = [
    path("", views.home, name="home"),
    path("notifications/", views.notifications, name="notifications"),
    path("inbox/", views_inbox.inbox, name="inbox"),
    path("track/", views_public.track, name="track"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/new/", views.case_new, name="case-new"),
    path("cases/queue/", views.dispatch_queue, name="dispatch-queue"),
    path("cases/<str:number>/", views.case_detail, name="case-detail"),
    path("cases/<str:number>/edit/", views.case_edit, name="case-edit"),
    path("cases/<str:number>/act/<str:action_name>/", views.case_act, name="case-act"),
    path("cases/<str:number>/evidence/", views.case_attachment_add, name="case-evidence"),
    path("cases/<str:number>/evidence/<int:attachment_id>/", views.case_attachment_download,
         name="case-evidence-download"),
]
