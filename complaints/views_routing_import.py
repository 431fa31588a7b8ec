"""The center's page for importing reference data from a file: areas, units, categories, users and
routing rules (routing.imports does the work, routing.import_jobs keeps the file between the dry
run and the confirmation; the page lives here, above routing, because who may use it is
complaints.access's rule)."""
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from routing.import_jobs import import_job_create, import_job_progress, import_job_start
from routing.import_templates import TEMPLATES, import_template
from routing.imports import ImportRejected, rows_read
from routing.models import ImportJob

from .access import require_import_routing

WHAT_CHOICES = [
    ("areas", gettext_lazy("区域（统计用区划代码，名称，层级，上级编码，管辖单位编码）")),
    ("units", gettext_lazy("单位（编码，名称，类型，上级单位，覆盖区域，职责）")),
    ("categories", gettext_lazy("业务分类（编码，名称，上级分类，两级）")),
    ("users", gettext_lazy("用户（登录名，姓名，单位，角色，电话，邮箱）")),
    ("rules", gettext_lazy("分流规则（顺序号1最先，区域，分类，工单类型，承办单位，启用，说明）")),
]


class ImportForm(forms.Form):
    what = forms.ChoiceField(label=gettext_lazy("导入内容"), choices=WHAT_CHOICES)
    file = forms.FileField(label=gettext_lazy("文件（.xlsx 或 .csv，首行为表头）"))


@login_required
def routing_import_page(request):
    require_import_routing(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            next(iter(rows_read(content=content, filename=upload.name)), None)  # a readable file at all
        except ImportRejected as rejected:
            errors = rejected.errors
        else:
            job = import_job_create(what=form.cleaned_data["what"], content=content, filename=upload.name,
                                    by=request.user)
            import_job_start(job=job, confirm=False)
            return redirect("routing-import-job", job.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "routing/import.html", {
        "form": form, "errors": errors, "templates": [(w, label) for w, label in WHAT_CHOICES if w in TEMPLATES],
        "jobs": ImportJob.objects.order_by("-created_at")[:10]}, status=status)


@login_required
def routing_import_template(request, what):
    require_import_routing(request.user)
    if what not in TEMPLATES:
        raise Http404
    response = HttpResponse(import_template(what),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="import-{what}.xlsx"'
    return response


@login_required
def routing_import_job(request, job_id):
    require_import_routing(request.user)
    job = get_object_or_404(ImportJob, pk=job_id)
    progress = import_job_progress(job=job)
    if request.GET.get("format") == "json":
        return JsonResponse({"state": job.state, "progress": progress})
    running = job.state in (ImportJob.State.CHECKING, ImportJob.State.IMPORTING)
    percent = int(100 * progress[0] / progress[1]) if progress and progress[1] else 0
    response = render(request, "routing/import_job.html", {
        "job": job, "running": running, "progress": progress, "percent": percent,
        "what_label": dict(WHAT_CHOICES).get(job.what, job.what)})
    if job.result.get("notes"):
        # One-time passwords are shown once, then forgotten.
        job.result["notes"] = []
        job.save(update_fields=["result"])
    return response


@login_required
@require_POST
def routing_import_confirm(request, job_id):
    require_import_routing(request.user)
    job = get_object_or_404(ImportJob, pk=job_id)
    if job.state == ImportJob.State.CHECKED:
        import_job_start(job=job, confirm=True)
    return redirect("routing-import-job", job.pk)
