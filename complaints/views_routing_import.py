"""The center's page for importing areas and routing rules from a file (routing.imports does the
work; the page lives here, above routing, because who may use it is complaints.access's rule)."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from routing.imports import ImportRejected, routing_import

from .access import require_import_routing


class ImportForm(forms.Form):
    what = forms.ChoiceField(label=gettext_lazy("导入内容"), choices=[
        ("areas", gettext_lazy("区域(编码,名称,层级,上级编码,管辖单位编码)")),
        ("rules", gettext_lazy("分流规则(区域编码,分类编码,工单类型,承办单位编码,优先级,启用,说明)")),
    ])
    file = forms.FileField(label=gettext_lazy("文件(.xlsx 或 .csv,首行为表头)"))


@login_required
def routing_import_page(request):
    require_import_routing(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = routing_import(what=form.cleaned_data["what"], content=upload.read(), filename=upload.name)
        except ImportRejected as rejected:
            errors = rejected.errors
        else:
            messages.success(request, _("导入完成:新增 %(c)s 条,更新 %(u)s 条。") % {
                "c": result.created, "u": result.updated})
            return redirect("routing-import")
    status = 400 if request.method == "POST" else 200
    return render(request, "routing/import.html", {"form": form, "errors": errors}, status=status)
