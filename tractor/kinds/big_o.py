"""``big_o``: an asymptotic bound, ``O(n^2 d)``, per resource (time, memory).

Normalized form: the inside of ``O()`` as sympy, tagged ``resource=time``/``resource=memory``
when the answer says which. Judged by comparing dominant terms after the key's substitutions;
the facts (missing and extra terms) give ``wrong_complexity_term``.
"""

from ..extract import big_o
from ..verify.checks import check_big_o
from ..verify.key_claims import bound_answers
from . import Kind, register

register(Kind(
    name="big_o",
    extract=big_o.extract,
    check=check_big_o,
    key_answers=bound_answers,
    math=True,
    detects=lambda text: bool(big_o.candidates(text)),
    guess_rank=10,
))
