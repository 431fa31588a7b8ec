from django.urls import path

from . import views, views_analysis

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/cases/", views.dashboard_cases, name="dashboard-cases"),
    path("dashboard/returns/", views.returns, name="dashboard-returns"),
    path("dashboard/returns/cases/", views.returns_cases, name="dashboard-returns-cases"),
    path("dashboard/volume/", views_analysis.volume, name="dashboard-volume"),
    path("dashboard/hotspots/", views_analysis.hotspots, name="dashboard-hotspots"),
    path("dashboard/hotspots/warning/", views_analysis.hotspot_warning, name="dashboard-hotspot-warning"),
]
