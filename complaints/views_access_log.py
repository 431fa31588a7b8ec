"""The center's page on who viewed personal data, and the alerts among those showings."""
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from . import access
from .identity import IDENTITY_FIELDS
from .models import Case
from .selectors_access_log import personal_data_access_search

FIELD_LABELS = {name: Case._meta.get_field(name).verbose_name for name in IDENTITY_FIELDS}


class AccessLogFilterForm(forms.Form):
    number = forms.CharField(label=_("工单编号"), required=False, max_length=20)
    username = forms.CharField(label=_("查看人用户名"), required=False, max_length=150)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    alerts_only = forms.BooleanField(label=_("只看异常查看"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return cleaned


@login_required
def access_log(request):
    access.require_read_access_log(request.user)
    form = AccessLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = personal_data_access_search(**{k: v for k, v in filters.items() if v not in (None, "")})
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for row in page:
        row.field_labels = [str(FIELD_LABELS.get(name, name)) for name in row.fields]
    query = urlencode({k: v for k, v in request.GET.items() if k != "page"})
    return render(request, "complaints/access_log.html", {
        "form": form, "page": page, "pager_query": query,
        "alerts": personal_data_access_search(alerts_only=True)[:20],
    }, status=200 if not form.is_bound or form.is_valid() else 400)
