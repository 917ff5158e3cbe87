"""``expression``: a closed-form value (``\\sqrt{d}``, ``\\mu^T \\mu``), read as sympy.

Normalized form: ``str()`` of the sympy expression for the claimed value, in the notation of
:mod:`tractor.notation.latex` (``q^T k`` -> ``qk``, norms -> ``norm_mu``). Judged by sympy
equivalence with the key's reference or an accepted form; a wrong value earns
``missing_bias_term`` or ``wrong_constant`` when its relation to the reference is that simple.
"""

from ..extract.definitions import expression_with_definitions
from ..extract.expressions import candidates
from ..label.verdicts import expression_errors
from ..verify.checks import check_expression
from ..verify.key_claims import latex_answers
from . import Kind, register

register(Kind(
    name="expression",
    extract=expression_with_definitions,
    check=check_expression,
    key_answers=latex_answers,
    labels=expression_errors,
    math=True,
    detects=lambda text: bool(candidates(text, None)),
    guess_rank=30,
))
