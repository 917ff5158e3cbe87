"""Verification: each extracted claim judged correct, incorrect, unverified or error.

:func:`verify_claims` runs, per claim, the check of its kind (:attr:`tractor.kinds.Kind.check`:
sympy equivalence, big-O comparison, vectors, options, rubrics, a homework's own kinds) and
the homework plug-in's reference check for its part (``Homework.reference_checks()``: part id ->
``check(claim, part, key) -> Outcome``, computing the true quantity in PyTorch; claimed code only
runs in the sandbox). A definite plug-in verdict decides when the generic check cannot; two
definite verdicts that disagree leave the claim unverified. Math read from a PDF (the
``pdf-math`` tag) is judged like any other where the print kept its structure: the PDF reader
rebuilds superscripts from baselines and radicals and fraction bars from their drawn paths, and
writes :data:`~tractor.notation.marks.LOST_MATH` where a drawn shape around math could not be
rebuilt; a claim carrying that mark stays unverified, whatever the check says. A print that
shows its TeX source has lost nothing. :func:`check_key` runs the key's own answers through the
same checks.
"""

from .cache import VerdictCache
from .claim_check import ClaimCheck, check_claim
from .judge import check_key, format_verdicts_table, verify_claims

__all__ = ["verify_claims", "check_key", "check_claim", "ClaimCheck", "format_verdicts_table", "VerdictCache"]
