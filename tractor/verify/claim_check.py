"""One claim text judged on its own: ``tractor check`` and the regression tables.

:func:`check_claim` puts the text where a build would find it (one assistant message answering
one part), runs the same extractor and verifier a build runs, and returns the verdict of the
part's answer with its parsed form and reason. With ``reference=`` instead of a part, the text
is an expression judged against that reference (a part of kind ``expression`` made for the
occasion, marked ``unnamed``: its answer is a bare value), as a comparison table such as
Math-Verify's needs; the reference is read by the same extractor as the claim, so ``$x = 11$``,
``\\boxed{..}`` or a sentence around the formula mean the same on both sides.

A build knows whether a post came from a PDF; a lone claim does not. Text without any LaTeX
may be a PDF's text layer, which flattens superscripts (``d2``, ``d1/2``) and drops drawn
radicals (``s = √d`` prints as ``s = d``). Such text is read both as typed and as a PDF layer.
A digit glued to a letter is no factor (``d2`` is not 2d), so where the layer reading is correct
and the typed one is not, the layer reading holds; where the layer reading is incorrect and the
typed one correct, nothing is sure (the digit may have been a subscript): ``unverified``. And
``incorrect`` is withheld when the claim is the reference with a radical dropped. A claim in rounded decimals (``0.33`` for 1/3) that
matches the reference to the decimals it writes is an approximation, not a wrong value: it is
``unverified``, never ``incorrect``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import TractorError
from ..records import ASSISTANT, Message, Transcript

# any LaTeX markup: then the text is no PDF text layer
_LATEX = re.compile(r"\$|\\[A-Za-z\[\](]")


@dataclass(frozen=True)
class ClaimCheck:
    """What :func:`check_claim` decided: ``verdict`` as in a build, ``parsed`` the normalised
    form ("" when nothing was read), ``reason`` the verifier's detail."""

    verdict: str
    parsed: str
    reason: str
    kind: str
    part: str


def _homework_with(part: str):
    from .. import homeworks

    owners = [h for h in homeworks.names() if homeworks.get(h).key.part(part) is not None]
    if len(owners) != 1:
        raise TractorError(f"part {part!r} is in {len(owners)} homeworks ({', '.join(owners) or 'none'}): "
                           "name the homework")
    return homeworks.get(owners[0])


def _reference_homework(reference: str):
    """A homework of one unnamed expression part whose reference is what ``reference`` states."""
    from types import MappingProxyType

    from ..extract.candidates import best
    from ..extract.expressions import candidates
    from ..answer_key import AnswerKey, Part, Question
    from ..homeworks import Homework

    extra = MappingProxyType({"unnamed": True})
    pick = best(candidates(reference, Part(id="1a", asks="", kind="expression", reference="", extra=extra)))
    part = Part(id="1a", asks="", kind="expression", reference=pick.value if pick else reference, extra=extra)
    key = AnswerKey("reference", "", "0", (Question(1, ""),), (part,))
    return type("ReferenceHomework", (Homework,), {"key": key, "name": "reference"})(), part


def _judge(text: str, hw, key_part, pdf: bool) -> ClaimCheck:
    """The part's verdict on ``text`` as a build reads one attempt: any incorrect claim, else any
    correct one."""
    from ..extract.parts import PartSpan
    from ..extract.pipeline import _claims_for
    from .judge import verify_claims

    transcript = Transcript("check", "check", "pdf" if pdf else "text", messages=[Message(ASSISTANT, text)],
                            homework=hw.key.homework)
    span = PartSpan(key_part.id, True, 1, 0, 0, len(text), text, "")
    claims = _claims_for([span], transcript, hw.key)
    if not claims:
        return ClaimCheck("unverified", "", "no claim of this part's kind found in the text", key_part.kind, key_part.id)
    judged = verify_claims(claims, hw)
    best = next((c for v in ("incorrect", "correct") for c in judged if c.verdict == v), judged[-1])
    return ClaimCheck(best.verdict, best.normalized, best.detail, best.kind, best.part)


def _radical_dropped(result: ClaimCheck, key_part) -> bool:
    """Whether the claim equals the part's reference with its square roots taken off (``d`` for
    ``\\sqrt{d}``): what a PDF text layer prints when the radical was a drawn path."""
    import sympy

    from ..notation.latex import to_normalized
    from ..notation.expressions import ExpressionError, equivalent, load

    if result.kind != "expression" or not result.parsed:
        return False
    normalized, _ = to_normalized(key_part.reference)
    try:
        reference, claim = load(normalized), load(result.parsed)
    except ExpressionError:
        return False
    if not isinstance(reference, sympy.Expr) or not reference.has(sympy.sqrt(sympy.Symbol("_")).func):
        return False
    bare = reference.replace(lambda e: e.is_Pow and e.exp == sympy.Rational(1, 2), lambda e: e.base)
    return bare != reference and isinstance(claim, sympy.Expr) and equivalent(claim, bare)


def _rounded(text: str, result: ClaimCheck, key_part) -> bool:
    """Whether the claim's numbers, written with k decimals, match the reference's to k decimals."""
    import sympy

    from ..notation.latex import to_normalized
    from ..notation.expressions import ExpressionError, load

    decimals = [len(d) for d in re.findall(r"\d\.(\d+)", text)]
    if not decimals or not result.parsed:
        return False
    try:
        claim, reference = load(result.parsed), load(to_normalized(key_part.reference)[0])
    except ExpressionError:
        return False
    pairs = (list(zip(claim, reference)) if isinstance(claim, sympy.MatrixBase) and isinstance(reference, sympy.MatrixBase)
             and claim.shape == reference.shape else [(claim, reference)])
    tolerance = 0.5 * 10 ** -min(decimals) + 1e-12
    try:
        return all(abs(complex(a) - complex(b)) <= tolerance for a, b in pairs)
    except (TypeError, ValueError):
        return False


def _renamed(result: ClaimCheck, key_part) -> ClaimCheck:
    """Against a bare reference nobody declared the variables: a claim equal to it up to renaming
    them (``f(y)`` for ``f(x)``) may have only chosen another letter, so it is not incorrect."""
    from itertools import permutations

    from ..notation.latex import to_normalized
    from ..notation.expressions import ExpressionError, equivalent, load

    if result.verdict != "incorrect" or not result.parsed:
        return result
    try:
        claim, reference = load(result.parsed), load(to_normalized(key_part.reference)[0])
    except ExpressionError:
        return result
    mine, theirs = sorted(claim.free_symbols, key=str), sorted(reference.free_symbols, key=str)
    if not mine or len(mine) != len(theirs) or len(mine) > 4 or set(mine) == set(theirs):
        return result
    for order in permutations(theirs):
        if equivalent(claim.xreplace(dict(zip(mine, order))), reference):
            return ClaimCheck("unverified", result.parsed, f"equals the reference with its variables renamed; "
                              f"would be incorrect: {result.reason}", result.kind, result.part)
    return result


def _guarded(text: str, result: ClaimCheck, key_part) -> ClaimCheck:
    if result.verdict == "incorrect" and _rounded(text, result, key_part):
        return ClaimCheck("unverified", result.parsed, f"rounded decimals that match the reference to the decimals "
                          f"written: an approximation; would be incorrect: {result.reason}", result.kind, result.part)
    return result


def _as_pdf_layer(text: str, hw, key_part, typed: ClaimCheck) -> ClaimCheck:
    """Text with no LaTeX read again as a PDF text layer; see the module docstring."""
    layer = _judge(text, hw, key_part, pdf=True)
    definite = {r.verdict for r in (typed, layer)} & {"correct", "incorrect"}
    if len(definite) > 1 and layer.verdict == "correct":  # d2 is d squared, never 2d
        return ClaimCheck("correct", layer.parsed, f"read as a PDF text layer (flattened superscripts); "
                          f"{layer.reason}", layer.kind, layer.part)
    if len(definite) > 1:
        return ClaimCheck("unverified", typed.parsed,
                          f"plain text reads two ways: as typed {typed.parsed} is {typed.verdict}, as a PDF text "
                          f"layer (flattened superscripts) {layer.parsed} is {layer.verdict}", typed.kind, typed.part)
    result = typed if typed.verdict in definite or layer.verdict not in definite else layer
    if result.verdict == "incorrect" and _radical_dropped(result, key_part):
        return ClaimCheck("unverified", result.parsed,
                          f"the claim is the reference with its radical dropped, as a PDF text layer prints a drawn "
                          f"radical; would be incorrect: {result.reason}", result.kind, result.part)
    return result


def check_claim(text: str, *, homework: str | None = None, part: str | None = None,
                reference: str | None = None) -> ClaimCheck:
    """Judge one claim text: on ``part`` of ``homework`` (the homework whose key has that part
    when not named), or against ``reference``. Never raises for a bad claim."""
    from .. import homeworks

    if (part is None) == (reference is None):
        raise TractorError("check_claim needs a part or a reference, not both")
    if reference is not None:
        hw, key_part = _reference_homework(reference)
    else:
        hw = homeworks.get(homework) if homework else _homework_with(part)
        key_part = hw.key.part(part)
        if key_part is None:
            raise TractorError(f"part {part!r} is not in the {hw.key.homework} key")
    if reference is not None and " ".join(text.split()) == " ".join(reference.split()):
        return ClaimCheck("correct", "", "the claim is the reference as written", key_part.kind, key_part.id)
    typed = _judge(text, hw, key_part, pdf=False)
    if reference is not None:
        typed = _renamed(typed, key_part)
    if _LATEX.search(text):
        return _guarded(text, typed, key_part)
    return _guarded(text, _as_pdf_layer(text, hw, key_part, typed), key_part)
