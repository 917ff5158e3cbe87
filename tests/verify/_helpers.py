"""Building claims the way the extractor would, for the verifier's regression tables."""

from tractor.extract.expressions import extract as extract_expression
from tractor.notation.latex import to_normalized
from tractor.homeworks import get
from tractor.records import Claim
from tractor.verify import verify_claims

HW09 = get("hw09")


def claim(part: str, raw: str, normalized: str | None = None, tags: str = "", kind: str = "") -> Claim:
    """``tags`` as the extractor writes them, "; "-separated ("resource=memory; pdf-math")."""
    kind = kind or HW09.key.part(part).kind
    if normalized is None:  # an expression is normalized by the extractor itself, RHS and all
        found = extract_expression(raw, HW09.key.part(part)) if kind == "expression" else [(raw, raw, [])]
        normalized = found[-1][1] if found else to_normalized(raw)[0]  # a bare expression
    return Claim("t", part, True, 1, 0, kind, raw, normalized, tags=[t.strip() for t in tags.split(";") if t.strip()])


def verdict(part: str, raw: str, normalized: str | None = None, tags: str = "") -> tuple[str, str]:
    judged = verify_claims([claim(part, raw, normalized, tags)], HW09)[0]
    return judged.verdict, judged.detail
