"""``vector``: a list of numbers (a layer's output, a mean), as a JSON list of floats.

Judged entry by entry against the key's reference; the verifier's facts (lengths, the entries
that differ) give ``wrong_shape`` or ``wrong_value``.
"""

from ..extract import vectors
from ..verify.checks import check_vector
from ..verify.key_claims import answers_as_written
from . import Kind, register

register(Kind(
    name="vector",
    extract=lambda text, part, pdf: vectors.extract(text, part),
    check=check_vector,
    key_answers=answers_as_written,
    math=True,
))
