"""The kinds registry: names, lookups, one meaning per name, the kind of a part the key lacks."""

import pytest

from tractor import kinds
from tractor.errors import TractorError


def test_generic_and_homework_kinds_are_registered():
    assert {"expression", "vector", "big_o", "choice", "code_blanks", "code_patch", "free_text"} <= set(kinds.names())
    assert {"shape", "einsum", "feature_map"} <= set(kinds.names())  # registered by HW9's folder


def test_an_unknown_kind_names_the_known_ones():
    with pytest.raises(TractorError, match="unknown claim kind 'essay'; known: big_o, choice"):
        kinds.get("essay")


def test_a_name_means_one_kind():
    taken = kinds.get("vector")
    with pytest.raises(TractorError, match="registered twice"):
        kinds.register(kinds.Kind(name="vector", extract=taken.extract))
    assert kinds.register(taken) is taken  # the same object again is no conflict


# The kind of a part the key lacks: the first kind (by rank) whose detector fires, among the
# kinds the key uses; free text when none does.
@pytest.mark.parametrize("text, allowed, kind", [
    ("The time is $O(n^2 d)$.", None, "big_o"),
    ("So $s = \\sqrt{d}$.", None, "expression"),
    ("$\\phi(x) = [1, \\sqrt{2} x_1, x_1^2]$", None, "feature_map"),
    ("So $s = \\sqrt{d}$, found in $O(d)$ time.", None, "big_o"),
    ("So $s = \\sqrt{d}$, found in $O(d)$ time.", {"expression", "free_text"}, "expression"),
    ("It depends on the data.", None, "free_text"),
])
def test_guess(text, allowed, kind):
    assert kinds.guess(text, allowed) == kind
