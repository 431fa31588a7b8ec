from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/cases/", views.dashboard_cases, name="dashboard-cases"),
    path("dashboard/returns/", views.returns, name="dashboard-returns"),
    path("dashboard/returns/cases/", views.returns_cases, name="dashboard-returns-cases"),
]
