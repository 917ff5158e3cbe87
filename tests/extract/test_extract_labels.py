"""Part labels in every notation the transcripts use -> (question, letter, roman)."""

import pytest

from tractor.extract.labels import find_labels, read_label

# label at the start of a line (markdown decoration already stripped)
@pytest.mark.parametrize("text, expected", [
    ("1(c) Choose scaling (s) so that", (1, "c", "", False)),
    ("(c) Scaling factor  $s$", (None, "c", "", False)),
    ("Part (b)(ii)", (None, "b", "ii", False)),
    ("6(b)(ii)", (6, "b", "ii", False)),
    ("6b ii", (6, "b", "ii", False)),
    ("6bii) how many times", (6, "b", "ii", False)),
    ("4(a)–(e): Fill in A–E for MQA", (4, "a", "", True)),
    ("Question 3 (b)", (3, "b", "", False)),
    ("Answer (1a):", (1, "a", "", False)),
    ("Answer (g):", (None, "g", "", False)),
    ("(ii) Feature map**", (None, "", "ii", False)),
    ("6(c)**Time and space complexity", (6, "c", "", False)),
    ("(b)(i)  | Replace", (None, "b", "i", False)),
    ("Question 4: Transformer Decoding", (4, "", "", False)),
    ("6(c)Time and space complexity of standard softmax attention", (6, "c", "", False)),  # PDF lost the space
])
def test_read_label(text, expected):
    label = read_label(text)
    assert (label.question, label.letter, label.roman, label.is_range) == expected


# lines that start with something label-like but are not labels
@pytest.mark.parametrize("text", ["1. You send me", "(1) Polynomial-kernel", "(x, q, k, v)", "(k_i)", "(s) so that",
                                  "(quoted verbatim from the PDF)", "A | x"])
def test_not_a_label(text):
    assert read_label(text) is None


# qualified labels inside prose (user follow-ups, "Final answer for ...:")
@pytest.mark.parametrize("text, expected", [
    ("Therefore, for 6(b)(iii) — the correct matrix-oriented version is:", [(6, "b", "iii")]),
    ("how should our matrices in 6biii) be oriented?", [(6, "b", "iii")]),
    ("your solution to 6e is incorrect, the kernel is quadratic", [(6, "e", "")]),
    ("answer all of the parts 6a) through 6d)", [(6, "a", ""), (6, "d", "")]),
    ("the cost is O(n^2d) and 2 cases", []),
])
def test_find_labels(text, expected):
    assert [(lab.question, lab.letter, lab.roman) for lab in find_labels(text)] == expected
