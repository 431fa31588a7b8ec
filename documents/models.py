"""The documents' data: the bureau's header, the editable templates per kind (with their effective
date and source), the per-year number sequence per kind, and every document issued."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import SingleRowSettings


class DocumentSettings(SingleRowSettings):
    """文书抬头: who issues the documents and how the complainant reaches the bureau."""

    bureau_name = models.CharField(_("发文机关"), max_length=100, default="江门市市场监督管理局")
    center_name = models.CharField(_("12315中心名称"), max_length=100, default="江门市12315投诉举报中心")
    address = models.CharField(_("地址"), max_length=200, default="江门市蓬江区建设三路139号")
    hotline = models.CharField(_("咨询电话"), max_length=40, default="12315")

    class Meta:
        verbose_name = _("文书抬头")
        verbose_name_plural = _("文书抬头")

    def __str__(self) -> str:
        return self.bureau_name


def template_upload_path(template, filename: str) -> str:
    return f"document-templates/{template.kind}/{template.effective_from:%Y%m%d}.docx"


class DocumentTemplate(models.Model):
    """The text of one kind of document from a date on. The body is written by the center's staff
    with placeholders ({{ 工单编号 }} style names listed in the admin); the PDF and the built-in
    Word layout both render it. An uploaded .docx (edited in WPS or Word) replaces the built-in
    Word layout and is filled with the same values."""

    kind = models.CharField(_("文书种类"), max_length=40)
    title = models.CharField(_("标题"), max_length=100)
    number_prefix = models.CharField(
        _("文号前缀"), max_length=40, help_text=_("文号为“前缀〔年份〕序号号”，例如：江市监投告〔2026〕15号。"))
    body = models.TextField(_("正文"), help_text=_("可用的占位符见下方说明，形如 {{ 工单编号 }}。"))
    docx_file = models.FileField(_("Word模板（.docx）"), upload_to=template_upload_path, blank=True)
    effective_from = models.DateField(_("生效日期"))
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")
        ordering = ["kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "effective_from"], name="document_template_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.title}({self.effective_from:%Y-%m-%d})"


class DocumentSequence(models.Model):
    """The last number issued for one kind in one year; incremented under the row's lock."""

    kind = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="document_sequence_kind_year")]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


def issued_path(document, filename: str) -> str:
    return f"documents/{document.year}/{document.kind}/{filename}"


class IssuedDocument(models.Model):
    """One document as issued: its number, who issued it, the values it was filled with, and the
    files themselves, so a reprint is the same document with the same number."""

    kind = models.CharField(_("文书种类"), max_length=40)
    title = models.CharField(_("标题"), max_length=100)
    case = models.ForeignKey(
        "complaints.Case", verbose_name=_("工单"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="documents",
    )
    # What the document is about within the case (one 督办单 per escalation step), or for a
    # document of no case (the weekly notice: its scope and week).
    subject_key = models.CharField(_("文书对象"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(_("年份"))
    sequence = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("文号"), max_length=60, unique=True)
    template = models.ForeignKey(DocumentTemplate, verbose_name=_("模板"), on_delete=models.PROTECT)
    values = models.JSONField(_("填写内容"), default=dict)
    pdf_file = models.FileField(_("PDF"), upload_to=issued_path)
    docx_file = models.FileField(_("Word"), upload_to=issued_path)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签发人"), null=True, on_delete=models.SET_NULL, related_name="+")
    issuing_unit = models.ForeignKey(
        "routing.Unit", verbose_name=_("签发单位"), null=True, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("签发时间"))

    class Meta:
        verbose_name = _("已签发文书")
        verbose_name_plural = _("已签发文书")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "case", "subject_key"], condition=Q(case__isnull=False),
                                    name="document_once_per_case_subject"),
            models.UniqueConstraint(fields=["kind", "subject_key"], condition=Q(case__isnull=True),
                                    name="document_once_per_subject_without_case"),
            models.UniqueConstraint(fields=["kind", "year", "sequence"], name="document_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.number}"
