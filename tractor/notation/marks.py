"""Marks that readers leave in text for later stages to honour.

The PDF reader writes :data:`LOST_MATH` where a drawn math shape (radical, fraction bar) could
not be rebuilt: the math there is not what the text says, so notation reading keeps the mark and
the verifier gives such a claim no verdict. A shared constant rather than a reader's internals,
so no stage reaches into another for it.
"""

# U+FFFD is Unicode's mark for "a character that could not be read".
LOST_MATH = "\ufffd"
