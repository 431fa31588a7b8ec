"""A person created by an import logs in with a one-time password and must set their own before
anything else: every page but the password form, logout and static files redirects there."""
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy

ALLOWED_PREFIXES = ("/static/", "/i18n/")


class FirstPasswordMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_set_password", False):
            allowed = {reverse("first-password"), reverse("logout")}
            if request.path not in allowed and not request.path.startswith(ALLOWED_PREFIXES):
                return redirect(f"{reverse('first-password')}?next={request.path}")
        return self.get_response(request)


class FirstPasswordView(auth_views.PasswordChangeView):
    """Django's password change; once done the person is free to work."""

    template_name = "registration/first_password.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        user.must_set_password = False
        user.save(update_fields=["must_set_password"])
        return response
