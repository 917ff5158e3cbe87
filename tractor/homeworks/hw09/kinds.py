"""HW9's own claim kinds, registered with :mod:`tractor.kinds` when the plug-in loads.

``shape`` (4a, 4b): a tensor's shape, ``[h, d, q]``, as written after the weight's name (the
key's ``slot``), as a tuple, a space ``\\mathbb{R}^{h \\times d \\times q}`` or a product.
``einsum`` (4c-4e): a projection as an einsum call (``torch.einsum("bd,hdq->bhq", x, W_q)``),
a matmul or their spoken forms. Both normalize to :func:`.choices.canonical_choice` and are
judged against the key's options; the MQA plug-in checks (:mod:`.mqa`) run them in PyTorch.
``feature_map`` (6b.ii): phi(x) as component families, judged by phi(q)·phi(k) against the
key's ``kernel`` on random vectors (:mod:`.feature_map_check`); wrong maps are labelled by
:mod:`.feature_map_labels`. The ``einsum`` checks set the facts ``claim_subscripts`` and
``reference_subscripts`` (a chosen einsum's subscripts, "bd,hdk->bhk", and the key's).

Normalized forms:

``shape`` and ``einsum``
    The chosen option as a canonical string (:func:`tractor.homeworks.hw09.choices.canonical_choice`):
    HTML entities unescaped, backticks/``<code>`` dropped, whitespace removed inside brackets
    and quoted einsum specs, one space after each top-level comma.
    ``[h, d, q]`` (``[h, d, d/h]`` when a width is written as its value);
    ``torch.einsum("bd,hdq->bhq", x, W_q)``; ``x @ W_k``. Apply ``canonical_choice`` to the
    key's reference and compare strings; a plug-in may judge forms the key does not list by
    computing them.

``feature_map``
    JSON list of component families; phi(x) is their concatenation, each family in order::

        {"coef": "<sympy str>", "monomial": [<index>...], "where": "<condition>"}

    ``monomial`` lists the index of each factor x_index of the product (``[]`` is the constant
    1). An index is a literal 1-based int (``x_1`` -> ``1``) or an index variable name
    (``"i"``, ``"j"``). A family expands over every assignment of its index variables in
    ``1..D`` satisfying ``where`` (a Python comparison over the variables, e.g. ``"i<j"``;
    ``""`` = all assignments, so ``["i", "j"]`` with ``""`` is the full outer product
    ``x ⊗ x`` / ``vec(xx^T)``). Ordering inside a family: lexicographic over the variables in
    order of first appearance. Example (reference of HW9 6b.ii)::

        [{"coef": "1", "monomial": [], "where": ""},
         {"coef": "sqrt(2)", "monomial": ["i"], "where": ""},
         {"coef": "1", "monomial": ["i", "i"], "where": ""},
         {"coef": "sqrt(2)", "monomial": ["i", "j"], "where": "i<j"}]

    Only literal indices (an explicit D=2 listing) fix D to the largest literal.
"""

from __future__ import annotations

import re

from ... import kinds
from ...answer_key import AnswerKey, Part
from ...notation.expressions import ExpressionError
from ...records import Claim
from ...verify.checks import key_expression, unparsed
from ...verify.key_claims import graded
from ...verify.outcome import Outcome, correct, incorrect, unverified
from . import choices, feature_map_check, feature_maps
from .feature_map_labels import feature_map_errors


def check_option(claim: Claim, part: Part, key: AnswerKey) -> Outcome:
    def canon(text: str) -> str:
        return re.sub(r"\s+", "", text.replace("'", '"')).lower()

    mine = canon(claim.normalized or claim.claim)
    if mine in {canon(t) for t in (part.reference, *part.accepted)}:
        return correct("the key's option", part.reference)
    if mine in {canon(t) for t in part.known_wrong}:
        return incorrect("a known wrong option", part.reference)
    return unverified("option not in the key")


def check_feature_map(claim: Claim, part: Part, key: AnswerKey) -> Outcome:
    if not claim.normalized:
        return unparsed(claim)
    kernel = key_expression(part.extra.get("kernel", ""))
    if kernel is None:
        return unverified("the key gives no kernel to check the map against")
    try:
        families = feature_map_check.parse_families(claim.normalized)
        worst, where = feature_map_check.max_discrepancy(families, kernel)
    except ExpressionError as exc:
        return unverified(f"feature map not built: {exc}")
    dims = feature_map_check.fixed_dimension(families) or list(feature_map_check.DIMENSIONS)
    if worst < 1e-9:
        return correct(f"phi(q)·phi(k) equals {part.extra['kernel']} on random q, k at D={dims} "
                       f"(max rel. error {worst:.1g})", part.reference)
    return incorrect(f"phi(q)·phi(k) differs from {part.extra['kernel']}: max rel. error {worst:.3g} at {where}",
                     part.reference)


def _option_answers(part: Part) -> list[kinds.KeyAnswer]:
    return graded(part, lambda t: (choices.canonical_choice(t), []))


def _feature_map_answers(part: Part) -> list[kinds.KeyAnswer]:
    """Feature maps are checked in their family form, which the key states next to the text."""
    families = part.extra.get("reference_families")
    good = [(part.reference, families, [], "correct")] if families else []
    return good + [(f, f, [], "incorrect") for f in part.extra.get("known_wrong_families", ())]


def _subscript_errors(claim: Claim, claims: list[Claim], key: AnswerKey | None) -> list[kinds.KindLabel]:
    """``wrong_einsum_subscripts``: a wrong einsum whose subscripts the MQA check found to
    differ from the key's (the facts ``claim_subscripts``/``reference_subscripts``)."""
    facts = claim.fact_map
    mine, theirs = facts.get("claim_subscripts"), facts.get("reference_subscripts")
    if claim.verdict == "incorrect" and mine and theirs and mine != theirs:
        return [("wrong_einsum_subscripts", 1.0, f"{mine} where the key has {theirs}")]
    return []


def _options(text: str, part: Part | None, pdf: bool) -> list[kinds.Extracted]:
    return choices.extract(text, part)


kinds.register(kinds.Kind(name="shape", extract=_options, check=check_option, key_answers=_option_answers))
kinds.register(kinds.Kind(
    name="einsum", extract=_options, check=check_option, key_answers=_option_answers, labels=_subscript_errors,
    label_meanings={"wrong_einsum_subscripts": (
        "An einsum whose subscripts differ from the key's and change the result (run in the homework's computation).",
        "einsum subscripts that change the result")},
))
kinds.register(kinds.Kind(
    name="feature_map",
    extract=lambda text, part, pdf: feature_maps.extract(text, part),
    check=check_feature_map,
    key_answers=_feature_map_answers,
    labels=feature_map_errors,
    math=True,
    detects=lambda text: bool(feature_maps.candidates(text)),
    guess_rank=20,
    label_meanings={
        "wrong_coefficients": (
            "A feature map or expansion with exactly the right monomials but wrong weights (e.g. a missing sqrt(2) "
            "on cross terms), judged against the reference kernel or the kernel the model itself stated.",
            "feature map with the right monomials but wrong weights (a missing sqrt(2))"),
        "wrong_monomials": (
            "A feature map whose components are not the kernel's monomials (e.g. squares without the cross terms "
            "x_i x_j), so no choice of weights reproduces the kernel.",
            "feature map with the wrong monomials (cross terms missing)"),
    },
))
