"""Intake form. It only validates input; registering and linking are done by services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from routing.models import Area, Category, Platform

from .identity import IDENTITY_CHOICE_FIELDS
from .intake_rules import case_fields_check
from .models import Case
from .models.case import FIVE_ELEMENT_FIELDS
from .models.choices import CaseKind
from .models.repeats import kinds_needing_five_elements


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class CaseDetailsForm(forms.ModelForm):
    """The complaint's details. `registering` decides whether the five elements are required now."""

    class Meta:
        model = Case
        fields = [
            "kind", "channel", "external_ref", "grade", "enterprise_related", "sensitive",
            "complainant_type", "complainant_name", "complainant_phone", "complainant_address",
            "complainant_id_number", "anonymous", "sms_opt_out",
            "respondent_name", "respondent_credit_code", "respondent_address", "respondent_area",
            "respondent_phone", "respondent_platform", "respondent_shop", "platform_jurisdiction",
            "incident_time", "incident_place", "facts", "demand", "category",
        ]
        widgets = {
            "facts": forms.Textarea(attrs={"rows": 4}),
            "demand": forms.Textarea(attrs={"rows": 2}),
            "incident_time": forms.TextInput(attrs={"placeholder": _("如：2026年11月20日下午")}),
        }

    def __init__(self, *args, registering: bool = True, identity_visible: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.registering = registering
        self.identity_visible = identity_visible
        if not identity_visible:
            # An anonymous reporter's identity is not for this viewer: not shown, not sent, not changed.
            for name in IDENTITY_CHOICE_FIELDS:
                del self.fields[name]
        if not self.is_bound and self.instance.pk is None:
            # Most calls are phone complaints; the clerk changes these when they are not.
            self.initial.setdefault("kind", Case.Kind.COMPLAINT)
            self.initial.setdefault("channel", Case.Channel.PHONE)
        self.fields["respondent_area"].queryset = Area.objects.order_by("code")
        self.fields["category"].queryset = Category.objects.select_related("parent").order_by("code")
        self.fields["respondent_platform"].queryset = Platform.objects.filter(is_active=True)
        self.fields["platform_jurisdiction"].help_text = _("填写电商平台而未填被投诉人地址时自动适用")

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        sent = {name: data[name] for name in self.Meta.fields if name in data}
        try:
            data.update(case_fields_check(fields=sent, current=self.instance if self.instance.pk else None))
        except ApplicationError as error:
            for name, messages in error.errors.items():
                for message in messages:
                    if name not in self.errors:
                        # A rule about a field this viewer does not see (the anonymity of a report)
                        # is told about the case's kind.
                        self.add_error(name if name in self.fields else "kind", message)
        if self.registering:
            needed = (FIVE_ELEMENT_FIELDS if kind in kinds_needing_five_elements()
                      else {"facts": FIVE_ELEMENT_FIELDS["facts"]})
            for field, label in needed.items():
                if not (data.get(field) or "").strip() and field not in self.errors:
                    self.add_error(field, _("五要素“%s”未填写，登记需要此项。") % label)
        return data


class IntakeForm(CaseDetailsForm):
    also_report = forms.BooleanField(
        label=_("同时作为举报登记（生成关联的举报工单）"), required=False
    )
    attachments = MultipleFileField(label=_("证据附件"), required=False)
    # The one-time token of this form (services/submissions.py): a second submission of the same
    # form finds the case the first created (a page fetched again after "back" has a new token: its
    # content, refilled by the browser, is recognised instead).
    form_token = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def clean(self):
        data = super().clean()
        if data.get("also_report") and data.get("kind") != CaseKind.COMPLAINT:
            self.add_error("also_report", _("只有投诉可以同时作为举报登记。"))
        return data

    def case_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}
