"""History notes the system writes, readable in each reader's language.

A note such as "渠道:12345热线" is written once but read by Chinese and English users alike. A
service passes a `Note`: the message (our own msgid, marked with gettext_noop so makemessages
finds it) and its values. The history row keeps the note rendered in the site's default language
(search, exports, webhooks and the API read that) and, in `data["note_i18n"]`, the message with
its values, from which pages render it in the reader's language. Values may be plain text (names,
numbers: shown as they are), labels of our own (choices, field names: translated too), nested
notes, or lists of those (joined with the language's enumeration comma).
"""
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext, override

from .punctuation import full_width

KEY = "note_i18n"
# Messages whose punctuation sat between two values, where the full-width rule cannot see it.
_RENAMED = {"%(level)s:%(clock)s": "%(level)s：%(clock)s"}


def _msgid(label: Promise) -> str:
    with override(None):  # no active translation: a lazy label gives back its msgid
        return str(label)


def _stored_value(value):
    if isinstance(value, Note):
        return value.stored()
    if isinstance(value, dict) and "msg" in value:  # a note stored earlier, e.g. a routing reason
        return value
    if isinstance(value, Promise):
        return {"msg": _msgid(value)}
    if isinstance(value, (list, tuple)):
        return {"list": [_stored_value(item) for item in value]}
    return str(value)


def _rendered_value(value) -> str:
    if isinstance(value, dict) and "list" in value:
        return gettext("、").join(_rendered_value(item) for item in value["list"])
    if isinstance(value, dict):
        return render(value)
    return value


def render(stored: dict) -> str:
    """The stored note in the active language. A row stored before the messages took full-width
    punctuation keeps the older msgid: read through the same rule, it finds today's."""
    message = gettext(_RENAMED.get(stored["msg"]) or full_width(stored["msg"]))
    values = stored.get("values")
    return message % {name: _rendered_value(value) for name, value in values.items()} if values else message


class Note:
    def __init__(self, message: str, **values):
        self.message, self.values = message, values

    def stored(self) -> dict:
        stored = {"msg": self.message}
        if self.values:
            stored["values"] = {name: _stored_value(value) for name, value in self.values.items()}
        return stored

    def in_default_language(self) -> str:
        with override(settings.LANGUAGE_CODE):
            return render(self.stored())

    def __str__(self) -> str:
        return render(self.stored())
