"""The sampling page (抽查回访): the month's rates, the draw with its seed, the sampled cases and
the second follow-up of each, recorded in place."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints import access
from complaints.inputs import typed_id
from complaints.models.choices import Satisfaction
from core.errors import ApplicationError
from supervision.sampling import sampled_follow_up_record, sampled_list, sampling_draw, sampling_rates
from supervision.sampling_models import SampledCase, SamplingDraw
from supervision.views import _month


class SampledFollowUpForm(forms.Form):
    satisfaction = forms.ChoiceField(label=gettext_lazy("回访结果"), choices=Satisfaction.choices)
    resolved = forms.TypedChoiceField(
        label=gettext_lazy("问题是否解决"), required=False,
        choices=[("", "---"), ("1", gettext_lazy("已解决")), ("0", gettext_lazy("未解决"))],
        coerce=lambda v: v == "1", empty_value=None)
    comment = forms.CharField(label=gettext_lazy("回访记录"), required=False, max_length=2000)


@login_required
def sampling(request):
    access.require_open_center_pages(request.user)
    month = _month(request.GET.get("month", ""))
    here = f"{request.path}?month={month:%Y-%m}"
    if request.method == "POST":
        try:
            if request.POST.get("form") == "draw":
                draw = sampling_draw(month=month, by=request.user)
                messages.success(request, _("已抽取 %(n)s 件，随机种子 %(seed)s。") % {
                    "n": draw.cases.count(), "seed": draw.seed})
            else:
                sample = get_object_or_404(SampledCase, pk=typed_id(request.POST.get("sample")) or 0)
                form = SampledFollowUpForm(request.POST, prefix=f"s{sample.pk}")
                if not form.is_valid():
                    raise ApplicationError(_("请选择回访结果。"))
                sampled_follow_up_record(sample=sample, by=request.user, **form.cleaned_data)
                messages.success(request, _("工单 %(n)s 的抽查回访已记录。") % {"n": sample.case.number})
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect(here)
    overall, by_unit = sampling_rates(month=month)
    samples = list(sampled_list(month=month))
    return render(request, "supervision/sampling.html", {
        "month": month, "draw": SamplingDraw.objects.filter(month=month).first(),
        "overall": overall, "unit_rates": by_unit,
        "rows": [(s, SampledFollowUpForm(prefix=f"s{s.pk}") if s.followed_up_at is None else None) for s in samples],
    })
