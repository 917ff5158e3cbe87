""""Incorrect only when sure": a parsed claim must speak the part's language.

The answer key declares per part the names its answers may use (``symbols = ["mu", "mu_i",
"d", ...]``; a name ending ``_i`` declares an index family: ``mu_i``, ``mu_j``, ``mu_1`` are its
members). A claim whose parse has a free symbol outside that vocabulary was most likely misread
(``norm_mu_2`` from an unhandled subscript, ``Sigma_i`` from a sum sign, a product of the
letters of an English word), so a verdict of ``incorrect`` on it is withheld: the claim is
``unverified`` with the symbols named. The names the notation layer builds from declared ones
count as declared: ``norm_mu`` (any norm of a declared vector), ``qk`` (the dot product of two,
or declared sizes glued together: ``bnd``), and so do the key's aliases (``n`` for ``N``).
Parts without ``symbols`` are not checked.
"""

from __future__ import annotations

from ..answer_key import Part, declares
from ..records import Claim
from .outcome import Outcome, unverified


def outside(normalized: str, part: Part) -> list[str] | None:
    """The free symbols of a normalized claim the part does not declare, sorted; None when the
    part declares no vocabulary or the claim is no sympy expression (JSON, a family list)."""
    from ..notation.expressions import ExpressionError, load

    symbols = part.extra.get("symbols")
    if not symbols or not normalized:
        return None
    try:
        expr = load(normalized)
    except ExpressionError:
        return None
    declared, aliases = frozenset(symbols), frozenset(part.extra.get("aliases", {}))
    return sorted(str(s) for s in expr.free_symbols if not declares(declared, str(s), aliases))


def guard(claim: Claim, part: Part, outcome: Outcome) -> Outcome:
    """``incorrect`` on a claim with undeclared symbols becomes ``unverified`` with the reason."""
    if outcome.verdict != "incorrect":
        return outcome
    strangers = outside(claim.normalized, part)
    if not strangers:
        return outcome
    return unverified(f"symbols {strangers} are not in part {part.id}'s vocabulary, so the claim was probably "
                      f"misread; would be incorrect: {outcome.detail}", outcome.reference)
