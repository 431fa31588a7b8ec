from django.urls import path

from . import views, views_analysis, views_exports, views_notice, views_ranking

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/cases/", views.dashboard_cases, name="dashboard-cases"),
    path("dashboard/returns/", views.returns, name="dashboard-returns"),
    path("dashboard/returns/cases/", views.returns_cases, name="dashboard-returns-cases"),
    path("dashboard/notice/", views_notice.notice_page, name="report-notice"),
    path("dashboard/notice/document/", views_notice.notice_document, name="report-notice-document"),
    path("dashboard/notice/export/", views_notice.notice_export, name="report-notice-export"),
    path("dashboard/ranking/", views_ranking.ranking_page, name="report-ranking"),
    path("dashboard/ranking/export/", views_ranking.ranking_export, name="report-ranking-export"),
    path("dashboard/ranking/cases/", views_ranking.ranking_cases, name="report-ranking-cases"),
    path("dashboard/exports/", views_exports.exports_page, name="report-exports"),
    path("dashboard/exports/<int:pk>/", views_exports.export_page, name="report-export"),
    path("dashboard/exports/<int:pk>/progress/", views_exports.export_progress, name="report-export-progress"),
    path("dashboard/exports/<int:pk>/download/", views_exports.export_download, name="report-export-download"),
    path("dashboard/volume/", views_analysis.volume, name="dashboard-volume"),
    path("dashboard/hotspots/", views_analysis.hotspots, name="dashboard-hotspots"),
    path("dashboard/hotspots/warning/", views_analysis.hotspot_warning, name="dashboard-hotspot-warning"),
]
