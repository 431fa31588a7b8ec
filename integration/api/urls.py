from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import views, views_evidence

app_name = "api-v1"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-v1:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-v1:schema"), name="redoc"),
    path("cases/", views.CaseCollectionApi.as_view(), name="cases"),
    path("cases/<str:number>/", views.CaseDetailApi.as_view(), name="case"),
    path("cases/<str:number>/evidence/", views_evidence.CaseEvidenceApi.as_view(), name="case-evidence"),
    path("cases/<str:number>/evidence/<int:attachment_id>/", views_evidence.CaseEvidenceFileApi.as_view(),
         name="case-evidence-file"),
    path("cases/<str:number>/platform-jurisdiction/", views.CasePlatformJurisdictionApi.as_view(),
         name="case-platform-jurisdiction"),
    *[
        path(f"cases/<str:number>/{name.replace('_', '-')}/", view.as_view(), name=f"case-{name}")
        for name, view in views.ACTION_APIS.items()
    ],
    path("webhooks/deliveries/", views.WebhookDeliveryListApi.as_view(), name="webhook-deliveries"),
    path("webhooks/deliveries/<int:delivery_id>/replay/", views.WebhookDeliveryReplayApi.as_view(),
         name="webhook-replay"),
]
