"""The month's case export (导出案件): start it, watch its progress, download the file. The work is
the worker's (reports/services_exports.py); these pages only ask and show."""
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from complaints import access
from deadlines.workdays import local_date

from .exports import CaseExport
from .periods import month_name, month_of, month_parse
from .scopes import scopes_for
from .selectors_exports import exports_of
from .services_exports import case_export_request

RECENT = 10


def _progress(export: CaseExport) -> dict:
    return {"status": export.status, "status_label": str(export.get_status_display()), "percent": export.percent,
            "rows_done": export.rows_done, "rows_total": export.rows_total, "error": export.error,
            "download": reverse("report-export-download", args=[export.pk])
            if export.status == CaseExport.Status.DONE else ""}


@login_required
def exports_page(request):
    access.require_open_reports(request.user)
    scopes = scopes_for(request.user)
    if not scopes:
        raise Http404(_("没有可统计的单位。"))
    current = month_of(local_date(timezone.now()))
    errors, month, scope_id = {}, request.POST.get("month", month_name(current)), request.POST.get("scope", "")
    if request.method == "POST":
        period = month_parse(month)
        scope = next((unit for unit in scopes if str(unit.pk) == scope_id), None)
        if period is None or period.start > current.start:
            errors["month"] = _("请选择本月或以前的月份。")
        if scope is None:
            errors["scope"] = _("没有这个统计范围。")
        if not errors:
            export = case_export_request(user=request.user, scope=scope, month=period.start)
            return redirect("report-export", export.pk)
    return render(request, "reports/exports.html", {
        "scopes": scopes, "month": month, "scope_id": scope_id, "errors": errors, "max_month": month_name(current),
        "exports": exports_of(request.user)[:RECENT],
    }, status=400 if errors else 200)


@login_required
@require_GET
def export_page(request, pk: int):
    export = get_object_or_404(exports_of(request.user), pk=pk)
    return render(request, "reports/export.html", {"export": export, "progress": _progress(export),
                                                    "progress_url": reverse("report-export-progress", args=[pk])})


@login_required
@require_GET
def export_progress(request, pk: int):
    return JsonResponse(_progress(get_object_or_404(exports_of(request.user), pk=pk)))


@login_required
@require_GET
def export_download(request, pk: int):
    export = get_object_or_404(exports_of(request.user), pk=pk, status=CaseExport.Status.DONE)
    filename = _("案件导出 %(scope)s %(month)s.xlsx") % {"scope": export.scope.name, "month": f"{export.month:%Y-%m}"}
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=filename)
