from django.urls import path

from . import views

urlpatterns = [
    path("cases/<str:number>/documents/<str:kind>/issue/", views.case_document_issue, name="case-document-issue"),
    path("documents/<int:document_id>.<str:file_format>", views.document_download, name="document-download"),
]
