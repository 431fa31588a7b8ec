"""Chinese text a person reads uses full-width punctuation (，：（）；！？): in the templates (beside
their tags too), in every string Python hands to gettext, and in the rows the data migrations seed
(SMS texts, document templates, statutory grounds, decline reasons...). The rule is
core/punctuation.py's; the failures list file:line (or model#pk.field) and the text around."""
import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models

from core.punctuation import HALF_WIDTH, full_width, half_width_marks

ROOT = Path(__file__).resolve().parent.parent
APP_DIRS = ["audit", "complaints", "config", "core", "deadlines", "documents", "integration", "messaging",
            "operations", "reports", "routing", "supervision"]
GETTEXT = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy", "pgettext",
           "pgettext_lazy", "npgettext", "npgettext_lazy", "_lazy"}
def _report(where: str, text: str) -> list[str]:
    return [f"{where}: …{text[max(0, i - 12):i + 12]}…".replace("\n", " ") for i in half_width_marks(text)]


# The yesno filter's argument is a comma-separated list: its commas are syntax, not punctuation.
YESNO = re.compile(r"""yesno:(_\(".*?"\)|".*?"|'.*?')""")
TAG = re.compile(r"""\{%\s*(?:trans|translate)\s+(["'])(.*?)\1.*?%\}|\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}""")


def template_view(line: str) -> tuple[str, list[int]]:
    """The line as a reader meets it: a {% trans "…" %} stands for its text, a {{ value }} for a
    neutral "x", other tags for nothing. Each character of the view maps back to its offset in
    the line, or -1 where it comes from inside a tag (the text of a trans tag is checked as is)."""
    view, where, at = [], [], 0
    for match in TAG.finditer(line):
        view += line[at:match.start()]
        where += range(at, match.start())
        if match.group(2) is not None:
            view += match.group(2)
            where += [-1] * len(match.group(2))
        elif match.group(0).startswith("{{"):
            view.append("x")
            where.append(-1)
        at = match.end()
    view += line[at:]
    where += range(at, len(line))
    return "".join(view), where


def template_findings() -> list[str]:
    found = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in (".html", ".txt", ".xml"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                line = YESNO.sub("yesno:X", line)
                found += _report(f"{path.relative_to(ROOT)}:{number}", line)
                marks = set(half_width_marks(line))
                view, where = template_view(line)
                found += [f"{path.relative_to(ROOT)}:{number}: …{view[max(0, i - 12):i + 12]}… (beside a tag)"
                          for i in half_width_marks(view) if where[i] >= 0 and line[where[i]] in HALF_WIDTH
                          and where[i] not in marks]
    return found


def _gettext_strings(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name in GETTEXT:
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        yield arg


def python_findings() -> list[str]:
    found = []
    for app in APP_DIRS:
        for path in sorted((ROOT / app).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in _gettext_strings(tree):
                found += _report(f"{path.relative_to(ROOT)}:{node.lineno}", node.value)
    return found


def _text_fields():
    for model in apps.get_models():
        if model._meta.app_label in APP_DIRS and model._meta.managed and not model._meta.proxy:
            fields = [f.name for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))
                      and not f.choices]
            if fields:
                yield model, fields


def seeded_findings() -> list[str]:
    """The rows a fresh database holds are the ones the data migrations seeded."""
    found = []
    for model, fields in _text_fields():
        for row in model.objects.values("pk", *fields):
            for field in fields:
                if row[field]:
                    found += _report(f"{model._meta.label}#{row['pk']}.{field}", row[field])
    return found


def test_the_rule_leaves_code_numbers_times_and_placeholders_alone():
    for text in ("工单 %(number)s 已答复", "共 1,000 件", "08:30 上班", "http://example.cn/track/?a=1", "（选填）"):
        assert half_width_marks(text) == [], text
    for text in ("理由(选填)", "已答复,请", "注意:", "是否确定?", "已办结!", "一;二"):
        assert half_width_marks(text), text
    assert full_width("地(%(home)s)管辖,(NUL)") == "地（%(home)s）管辖，（NUL）"


def test_a_note_stored_with_the_older_half_width_message_still_translates(settings):
    from django.utils.translation import override

    from core.notes import render

    with override("en"):
        assert render({"msg": "渠道:%(channel)s", "values": {"channel": "12345"}}) == render(
            {"msg": "渠道：%(channel)s", "values": {"channel": "12345"}})
        assert "渠道" not in render({"msg": "渠道:%(channel)s", "values": {"channel": "12345"}})


def test_templates_use_full_width_punctuation():
    found = template_findings()
    assert not found, f"{len(found)} half-width marks in Chinese text:\n" + "\n".join(found)


def test_python_gettext_strings_use_full_width_punctuation():
    found = python_findings()
    assert not found, f"{len(found)} half-width marks in Chinese text:\n" + "\n".join(found)


@pytest.mark.django_db
def test_seeded_rows_use_full_width_punctuation():
    from complaints.models import DeclineReason, StatutoryGround

    assert StatutoryGround.objects.exists() and DeclineReason.objects.exists()  # the seeds are there to read
    found = seeded_findings()
    assert not found, f"{len(found)} half-width marks in Chinese text:\n" + "\n".join(found)


# A bracket round a value after a value ("王登记(江门市12315指挥中心)" in the timeline) touches no
# Chinese in the template, only on the page: written as {% trans "（" %} so English keeps " (".
VALUE_IN_BRACKETS = re.compile(r"\}\}\s?\(\{\{[^}]*\}\}\)")


def test_a_value_in_brackets_after_a_value_uses_translated_brackets():
    found = [f"{path.relative_to(ROOT)}:{number}"
             for path in sorted((ROOT / "templates").rglob("*.html"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if VALUE_IN_BRACKETS.search(line)]
    assert not found, "half-width brackets round a value:\n" + "\n".join(found)
