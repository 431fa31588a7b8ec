from django.urls import path

from . import open311

app_name = "open311"

urlpatterns = [
    path("services.json", open311.ServiceListApi.as_view(), name="services"),
    path("requests.json", open311.RequestCollectionApi.as_view(), name="requests"),
    path("requests/<str:request_id>.json", open311.RequestDetailApi.as_view(), name="request"),
]
