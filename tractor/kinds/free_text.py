"""``free_text``: an explanation, kept whole (whitespace collapsed, at most 4000 characters).

Judged only where the key gives a rubric (patterns every right answer contains); otherwise
``unverified``. It states no checkable value, so a question after it still stands.
"""

import re

from ..verify.checks import check_free_text
from ..verify.key_claims import rubric_answers
from . import Kind, register

_CHARS = 4000


def _whole(text: str, part, pdf: bool) -> list[tuple[str, str, list[str]]]:
    collapsed = re.sub(r"\s+", " ", text).strip()[:_CHARS]
    return [(collapsed, collapsed, [])] if collapsed else []


register(Kind(name="free_text", extract=_whole, check=check_free_text, key_answers=rubric_answers, states_value=False))
