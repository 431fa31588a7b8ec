"""A document's files from its template and values: the body filled in (the center's text, with
{{ 占位符 }}), then laid out as PDF (WeasyPrint, CJK fonts) and as Word (the center's uploaded
.docx filled by docxtpl, or the built-in layout). Both files come from the same values."""
import io

from django.template.loader import render_to_string
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from core.errors import ApplicationError

# Placeholders are the Chinese names staff read in the admin; the sandbox keeps a template
# edited by staff from reaching anything but the values given to it.
_body_environment = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
FONT = "WenQuanYi Micro Hei"


def body_render(body: str, values: dict) -> str:
    """The body with its placeholders filled, or ApplicationError naming what is wrong."""
    try:
        return _body_environment.from_string(body).render(**values)
    except TemplateError as error:
        raise ApplicationError(f"模板正文有误：{error}") from error


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def pdf_render(*, title: str, values: dict, body: str) -> bytes:
    try:
        from weasyprint import HTML  # imported here: loading pango costs a second at start-up
    except OSError as error:  # the system's pango library is missing (apt-get install libpango-1.0-0)
        raise ApplicationError(f"服务器缺少PDF排版组件（pango），请联系系统管理员：{error}") from error

    html = render_to_string("documents/pdf/document.html",
                            {"title": title, "v": values, "paragraphs": paragraphs(body)})
    return HTML(string=html).write_pdf()


def _east_asian(run, size: int, bold: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _line(document, text: str, *, size=14, bold=False, align=None) -> None:
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    _east_asian(paragraph.add_run(text), size, bold)


def docx_builtin(*, title: str, values: dict, body: str) -> bytes:
    """The built-in Word layout: red-header style title block, number, body, date and seal place."""
    document = Document()
    _line(document, values["发文机关"], size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _line(document, title, size=18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _line(document, values["文号"], size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    for text in paragraphs(body):
        _line(document, text)
    _line(document, "（印章）", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _line(document, values["发文机关"], align=WD_ALIGN_PARAGRAPH.RIGHT)
    _line(document, values["日期"], align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_render(*, template_file, title: str, values: dict, body: str) -> bytes:
    if not template_file:
        return docx_builtin(title=title, values=values, body=body)
    with template_file.open("rb") as source:
        document = DocxTemplate(io.BytesIO(source.read()))
    try:
        document.render({**values, "标题": title, "正文": body}, jinja_env=_body_environment)
    except TemplateError as error:
        raise ApplicationError(f"Word模板有误：{error}") from error
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_text(content: bytes) -> str:
    """Every paragraph's text of a .docx (for checks and the admin's preview)."""
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
