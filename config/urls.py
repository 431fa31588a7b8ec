from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from complaints.login import StaffAdminAuthenticationForm, StaffAuthenticationForm
from routing.first_password import FirstPasswordView

admin.site.site_header = _("12315投诉举报工单系统 管理后台")
admin.site.site_title = _("12315工单系统")
# Both login doors count failures and ask for the second factor the same way (complaints/login.py).
admin.site.login_form = StaffAdminAuthenticationForm

urlpatterns = [
    path("", include("operations.urls")),  # /health/ and /metrics (issue 16, part 4)
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=StaffAuthenticationForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/first-password/", FirstPasswordView.as_view(), name="first-password"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("reports.urls")),
    path("supervision/", include("supervision.urls")),
    path("api/v1/", include("integration.api.urls")),
    path("open311/v2/", include("integration.api.open311_urls")),
    path("", include("documents.urls")),
    path("", include("messaging.urls")),
    path("", include("complaints.urls")),
]
