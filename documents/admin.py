from django import forms
from django.contrib import admin
from django.http import HttpResponse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin import RecordAdmin, SingleRowSettingsAdmin
from core.errors import ApplicationError

from .kinds import CASE_PLACEHOLDERS, COMMON_PLACEHOLDERS, kind_choices, kind_get
from .models import DocumentSettings, DocumentTemplate, IssuedDocument
from .render import body_render, docx_builtin

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _sample_values(kind_code: str) -> dict:
    """Every placeholder a kind's template may use, filled with its own name, to try a body."""
    try:
        extra = kind_get(kind_code).placeholders
    except KeyError:
        extra = ()
    return {name: name for name in (*COMMON_PLACEHOLDERS, *CASE_PLACEHOLDERS, *extra)}


class DocumentTemplateForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("文书种类"), choices=())

    class Meta:
        model = DocumentTemplate
        fields = ["kind", "title", "number_prefix", "body", "docx_file", "effective_from", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = kind_choices()
        current = self.initial.get("kind") or getattr(self.instance, "kind", "")
        if current and current not in dict(choices):
            choices.append((current, current))  # a kind whose app does not offer it yet
        self.fields["kind"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("kind") and data.get("body"):
            try:
                body_render(data["body"], _sample_values(data["kind"]))
            except ApplicationError as error:
                self.add_error("body", str(error))
        upload = data.get("docx_file")
        if upload and hasattr(upload, "name") and not upload.name.lower().endswith(".docx"):
            self.add_error("docx_file", _("请上传 .docx 格式的Word文件。"))
        return data


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    form = DocumentTemplateForm
    list_display = ["title", "kind", "number_prefix", "effective_from", "source", "has_docx"]
    list_filter = ["kind"]
    readonly_fields = ["placeholders"]
    actions = ["download_builtin_docx"]

    @admin.display(description=_("Word模板"), boolean=True)
    def has_docx(self, template):
        return bool(template.docx_file)

    @admin.display(description=_("可用占位符"))
    def placeholders(self, template):
        names = _sample_values(template.kind) if template.kind else {}
        return format_html_join("、", "<code>{{{{ {} }}}}</code>", ((name,) for name in names))

    @admin.action(description=_("下载内置Word版式（在WPS或Word中修改后上传）"))
    def download_builtin_docx(self, request, queryset):
        template = queryset.first()
        # The layout with the placeholders themselves in place of values, ready to be edited; the
        # body is one placeholder so the text stays editable here.
        values = {**_sample_values(template.kind), **{name: "{{ " + name + " }}" for name in COMMON_PLACEHOLDERS}}
        content = docx_builtin(title="{{ 标题 }}", values=values, body="{{ 正文 }}")
        response = HttpResponse(content, content_type=DOCX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{template.kind}.docx"'
        return response


@admin.register(DocumentSettings)
class DocumentSettingsAdmin(SingleRowSettingsAdmin):
    list_display = ["bureau_name", "center_name", "hotline"]


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(RecordAdmin):
    """Read-only: an issued document is a record; a correction is a new document."""

    list_display = ["number", "title", "case", "issuing_unit", "issued_by", "issued_at"]
    list_filter = ["kind", "year"]
    search_fields = ["number", "case__number"]
    raw_id_fields = ["case"]
