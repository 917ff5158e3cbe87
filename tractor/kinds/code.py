"""``code_blanks`` and ``code_patch``: code the model wrote into a template, or a fix to it.

``code_blanks``: a JSON object, blank letter -> the code stated for it; the key's reference
names the blanks by letter, so a letter label in such a part's answer is a blank, not a part.
``code_patch``: a JSON list of the edits (code blocks) the answer proposes. Both are judged by
running the template with the claim applied in the sandbox (:mod:`tractor.verify.code_run`), a
check each homework supplies with its harness and reference; a fix that runs but changes more
than the smallest working edit set earns ``non_minimal_fix``, one that fails ``fix_does_not_run``.
"""

from ..extract import code
from ..label.verdicts import patch_errors
from ..verify.key_claims import answers_as_written, patch_answers
from . import Kind, register

register(Kind(
    name="code_blanks",
    extract=lambda text, part, pdf: code.extract_blanks(text, part),
    key_answers=answers_as_written,
    code=True,
    blanks=True,
))
register(Kind(
    name="code_patch",
    extract=lambda text, part, pdf: code.extract_patch(text, part),
    key_answers=patch_answers,
    labels=patch_errors,
    code=True,
))
