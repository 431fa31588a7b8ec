from django.urls import path

from . import views

urlpatterns = [
    path("cases/<str:number>/sms/receipt/", views.case_sms_receipt, name="case-sms-receipt"),
    path("cases/<str:number>/sms/<str:message_id>/resend/", views.case_sms_resend, name="case-sms-resend"),
    path("messaging/sms/reports/<str:token>/", views.sms_reports, name="sms-reports"),
]
