"""Chinese text uses full-width punctuation (，：（）；！？). The rule is written once: the test that
keeps templates, gettext strings and seeded rows clean reads it, and history notes stored with an
older, half-width message (core/notes.py) are read through it, so they still find their
translation. A half-width , : ( ) ; ! ? counts as a mistake only where it touches a Chinese
character or full-width punctuation: code, URLs, "1,000", "08:30" and %(name)s are left alone."""
import re

HALF_WIDTH = ",:();!?"
_FULL = dict(zip(HALF_WIDTH, "，：（）；！？", strict=True))
# Chinese characters and the full-width punctuation that sits between them.
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff01-\uff1f“”‘’…—"
_MIXED = re.compile(rf"(?<=[{_CJK}])[{re.escape(HALF_WIDTH)}]|[{re.escape(HALF_WIDTH)}](?=[{_CJK}])")


def half_width_marks(text: str) -> list[int]:
    """Offsets of half-width punctuation touching Chinese text."""
    return [match.start() for match in _MIXED.finditer(text)]


def _partner(text: str, at: int) -> int | None:
    """The bracket matching the one at `at` (a pair is changed together)."""
    step, opening = (1, "(") if text[at] == "(" else (-1, ")")
    depth, index = 0, at
    while 0 <= index < len(text):
        if text[index] in "()":
            depth += 1 if text[index] == opening else -1
            if depth == 0:
                return index
        index += step
    return None


def full_width(text: str) -> str:
    """`text` with the half-width punctuation touching Chinese made full-width, brackets in pairs
    (never the bracket of a %(name)s placeholder)."""
    for _ in range(20):  # each round can bring new punctuation next to the full-width marks
        marks = half_width_marks(text)
        if not marks:
            return text
        chars = list(text)
        for at in marks:
            chars[at] = _FULL[text[at]]
            if text[at] in "()":
                other = _partner(text, at)
                if other is not None and not (text[other] == "(" and other > 0 and text[other - 1] == "%"):
                    chars[other] = _FULL[text[other]]
        text = "".join(chars)
    return text
