from django.urls import path

from . import views

urlpatterns = [
    path("import/", views.routing_import_page, name="routing-import"),
]
