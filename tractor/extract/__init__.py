"""Claim extraction: which homework part each assistant message answers, and what it claims.

Entry points: :func:`extract_claims` (``Transcript`` + ``AnswerKey`` -> ``list[Claim]``),
:func:`segment_parts` (the part/attempt/message spans it reads), :func:`format_claims_table`.
Attempt n of a part is the n-th message that states an answer of the part's kind (a refusal
that discusses 2(a) without an output vector is no attempt); ``segment_parts`` numbers every
message that mentions the part, ``extract_claims`` renumbers over those with claims.
One claim per part and attempt (big-O: one per resource); the final stated answer wins.

Normalized formats (the contract with ``tractor.verify``)
=========================================================

Every :class:`~tractor.records.Claim` carries ``claim`` (raw text as written), ``normalized``
(the parsed form below, or ``""`` when parsing failed) and ``tags``, a list the later stages
read with :meth:`~tractor.records.Claim.tag`. Tags used: ``source=<boxed|answer|display|inline|text>`` (where the claim came from; "answer"
= an "Answer:" line, the math after "Final answer ...:", a table's answer cell),
``resource=time`` / ``resource=memory`` (big-O), ``pdf-math`` (the transcript came from a PDF;
the reader rebuilds superscripts, fractions and radicals, and writes U+FFFD
(``tractor.notation.marks.LOST_MATH``) where a drawn shape around math could not be rebuilt:
a claim carrying that mark is unparsed and never judged, one without it is judged as written),
``pdf-code`` (code read from a PDF: fences, indentation and long
lines may be damaged, so code that does not even compile is no evidence of an error),
``unparsed: <reason>`` (normalized is ``""``), ``not-in-homework``
(part the key lacks, e.g. ``6e``; ``in_homework`` is False and ``reference`` empty),
``blanks=<n>`` / ``edits=<n>`` (code kinds), ``defined=<names>`` (an expression whose
shorthand names are defined in the same part's text: the claim ends with ``, where S_j = ...``).

Helpers the verifier should apply to the key's reference so both sides share one form:
``latex.to_normalized`` (expressions, the inside of ``O()``), ``latex.load_expression`` (read a
normalized string back). A kind a homework registers documents its own form in its module
(HW9's ``shape``, ``einsum``, ``feature_map``: :mod:`tractor.homeworks.hw09.kinds`).

``expression``
    ``str()`` of a sympy expression for the claimed value (the right-hand side of the final
    equation of the attempt). Symbols keep the case and name as written, Greek letters spelled
    (``mu``, ``sigma``), subscripts joined with ``_`` (``d_k``). Deep-learning notation is
    rewritten before parsing: a dot product of two vectors ``q^T k``, ``q^\\top k``,
    ``q^{\\text{top}} k``, ``q·k``, ``q \\cdot k``, ``\\langle q, k\\rangle``, ``qᵀk``, ``qTk``,
    ``\\sum_i q_i k_i`` becomes ONE symbol named by the two vectors in reverse alphabetical order
    (``qk`` for ``q^T k`` and ``k^T q`` alike); a vector with itself (``\\mu^T\\mu``), a norm
    ``\\|\\mu\\|`` / ``\\|\\mu\\|_2`` / ``||mu||`` and ``\\sum_i \\mu_i^2`` give ``norm_mu``
    (so ``\\mu^T\\mu`` -> ``norm_mu**2``); another norm keeps its subscript (``norm1_mu``).
    Names the key aliases are renamed (``d_k`` -> ``d``, tag ``aliased d_k->d``). For a part
    marked ``unnamed`` (a bare reference) an equation stays one: ``Eq(x, 11)``; a matrix is
    ``Matrix([[...]])``.
    ``\\mathbb{E}``/``\\operatorname{Var}`` on the left are stripped with the LHS.
    Examples: 1c ``sqrt(d)``; 1a ``d*mu**2`` or ``norm_mu**2``; 6b.i ``(qk + 1)**2``.
    Matrix algebra (a transpose left after dot products, e.g. ``\\phi(Q_i)^T S``) is not
    parsed as scalar algebra: ``normalized`` is ``""`` with an ``unparsed:`` reason; the
    matrix-formula check reads the raw claim, with the definitions its ``where`` clause carries.
    Read it back with :func:`tractor.notation.latex.load_expression` (every name becomes a
    Symbol, so ``N``, ``E``, ``Q`` are never sympy built-ins).

``vector``
    JSON list of numbers (ints when integral) -- ``[1, 4, 3]``; a matrix is a list of rows.
    Entries that are not numbers are sympy ``str`` strings. A vector whose length differs
    from the key's answer is unparsed (a step or a given, not the answer) unless it is the
    attempt's only vector and stated as the answer.

``code_blanks``
    JSON object, blank letter (lowercase) -> code as written without markup and without
    remarks such as ``(given)``: ``{"a": "d_model", "d": "Q", "e": "softmax", ...}``.
    Only the blanks the attempt states are present.

``code_patch``
    ``claim``: every code block of the attempt, in order, joined by ``"\\n\\n"``.
    ``normalized``: JSON list of edits in order, each ``{"type": "code", "text": <block>}`` or
    ``{"type": "prose", "text": <sentence that names a code change, e.g. "change W_o to
    nn.Linear(2 * d_model, d_model)">}``. The verifier applies code edits to the template
    (a ``def``/``class`` block replaces the method of that name; an ``x = ...`` line replaces the
    template line assigning ``x``).

``big_o``
    One claim per resource. ``normalized`` is a sympy-parsable sum of the terms inside ``O(...)``
    with ``O`` removed, not expanded (``b*d**2 + b*d*n``, ``N**2*(D + M)``), read back with
    ``load_expression``; ``tags``
    carry ``resource=time`` or ``resource=memory`` when the text says which
    (memory, space, memory access, IO, storage -> memory). Flattened exponents (``N2D``) and
    glued size letters (``bnd``) are read before parsing, ``O(A) + O(B)`` is ``A + B``.

``free_text``
    The text of the part's span with whitespace collapsed (for rubric checks/classifiers).

Unparseable claims keep ``claim`` and have ``normalized == ""`` and ``unparsed: <reason>``.
"""

from .parts import PartSpan, segment_parts
from .pipeline import extract_claims, format_claims_table

__all__ = ["PartSpan", "extract_claims", "format_claims_table", "segment_parts"]
