"""Forms of the supervision pages. Labels are lazy: these classes are built at import time, before
any request has chosen a language."""
from django import forms
from django.utils.translation import gettext_lazy as _

from routing.models import Unit


class CloseForm(forms.Form):
    """Closing one ledger item (销号). Each row has its own form; the ids carry the item so that a
    page of many rows has no duplicate ids."""

    note = forms.CharField(label=_("销号说明"), error_messages={"required": _("请写明销号说明。")},
                           widget=forms.TextInput(attrs={"placeholder": _("销号说明"), "aria-label": _("销号说明")}))

    def __init__(self, *args, item_pk: int, **kwargs):
        super().__init__(*args, auto_id=f"id_item{item_pk}_%s", **kwargs)
        self.item_pk = item_pk


class ActionForm(forms.Form):
    title = forms.CharField(label=_("专项行动名称"), max_length=200)
    unit = forms.ModelChoiceField(label=_("牵头单位"),
                                  queryset=Unit.objects.exclude(kind=Unit.Kind.EXTERNAL).filter(is_active=True))
