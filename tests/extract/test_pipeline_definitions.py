"""Definitions and the part's vocabulary in tractor.extract.definitions: abbreviations the answer
defines are resolved, a constant it sets is substituted, and a literal reading with names
outside the vocabulary is re-read as a flattened print where that stays inside it."""

import pytest

from tractor.extract.definitions import definitions, expression_with_definitions, vocabulary
from tractor.answer_key import declares
from tractor.homeworks import get

KEY = get("hw09").key


# the key's vocabulary: plain names and index families (q_i stands for q_1, q_j, q_{D-1}, ...)
@pytest.mark.parametrize("name, inside", [
    ("qk", True), ("q_i", True), ("q_j", True), ("k_7", True), ("D", True),
    ("c", False), ("T", False), ("q", False), ("kq", False), ("x_i", False),
])
def test_vocabulary_of_6bi(name, inside):
    assert declares(vocabulary(KEY.part("6b.i")), name) is inside


def test_parts_without_symbols_have_no_vocabulary():
    assert vocabulary(KEY.part("3a")) is None and vocabulary(None) is None


# one-letter definitions of either case, the last one of a name winning, shape remarks dropped
@pytest.mark.parametrize("text, expected", [
    (r"with $c = 1$", {"c": "c = 1"}),
    (r"where $S = \sum_j \phi(K_j) V_j^\top$ and $z = \sum_j \phi(K_j)$",
     {"S": r"S = \sum_j \phi(K_j) V_j^\top", "z": r"z = \sum_j \phi(K_j)"}),
    (r"$a = 2$, later $a = 1$", {"a": "a = 1"}),
    (r"$Z_j = \phi(K_j) \in \mathbb{R}^{F}$", {"Z": r"Z_j = \phi(K_j)"}),
    (r"$u = \sum_j \phi(K_j)$; $W = \sum_j \phi(K_j) V_j^T$", {"u": r"u = \sum_j \phi(K_j)", "W": r"W = \sum_j \phi(K_j) V_j^T"}),
])
def test_definitions(text, expected):
    assert definitions(text) == expected


# a constant outside the vocabulary that the answer sets is substituted, whatever its letter
@pytest.mark.parametrize("text, normalized", [
    (r"$\text{sim}(q,k) = (q^\top k + c)^2$ with $c = 1$", "(qk + 1)**2"),
    (r"$\text{sim}(q,k) = (q^\top k + a)^2$, where $a = 1$", "(qk + 1)**2"),
    (r"$\text{sim}(q,k) = (q^\top k + r)^2$ (taking $r = 1$)", "(qk + 1)**2"),
    (r"$\text{sim}(q,k) = (q^\top k + c)^2$ with $c = 2$", "(qk + 2)**2"),
    (r"$\text{sim}(q,k) = (a\, q^\top k + c)^2$ with $a = 1$ and $c = 1$", "(qk + 1)**2"),
])
def test_constant_substituted(text, normalized):
    [(_, got, tags)] = expression_with_definitions(text, KEY.part("6b.i"))
    assert got == normalized and any(t.startswith("defined=") for t in tags)


# without a declared vocabulary nothing is substituted: "d = 64" after s = sqrt(d) is an instance
@pytest.mark.parametrize("text", [
    r"$s = \sqrt{d}$, e.g. $d = 64$",
    r"$s = \sqrt{d}$ (so $s = 8$ when $d = 64$)",
    r"$s = \sqrt{d}$ for $d = 1{,}024$",
    r"$s = \sqrt{d}$ where $d = 512$",
    r"$s = \sqrt{d}$; with $d = 16$",
])
def test_no_vocabulary_no_substitution(text):
    [(_, got, tags)] = expression_with_definitions(text, KEY.part("1c"))
    assert got == "sqrt(d)" and not any(t.startswith("defined=") for t in tags)


# plain text typed like a print, read literally as new names (T, q, k), is re-read with
# flattened superscripts when that reading stays inside the vocabulary
@pytest.mark.parametrize("text, normalized", [
    ("sim(q, k) = (qTk + 1)2", "(qk + 1)**2"),
    ("sim(q, k) = (kTq + 1)2", "(qk + 1)**2"),
    ("sim(q, k) = (qTk)2 + 2qTk + 1", "qk**2 + 2*qk + 1"),
    ("sim(q, k) = (qTk)2", "qk**2"),
    ("sim(q, k) = (1 + qTk)2", "(qk + 1)**2"),
])
def test_flattened_reading(text, normalized):
    [(_, got, tags)] = expression_with_definitions(text, KEY.part("6b.i"))
    assert got == normalized and "read=flattened-superscripts" in tags


# an explicit power needs no second reading: the notation layer reads a print's qTk as q^T k
@pytest.mark.parametrize("text", ["sim(q, k) = (qTk + 1)^2", "sim(q, k) = (q^T k + 1)^2", "sim(q,k) = (qᵀk + 1)²",
                                  "sim(q, k) = (qTk + 1)**2", "sim(q, k) = (kTq + 1)^2"])
def test_explicit_power_read_as_typed(text):
    [(_, got, tags)] = expression_with_definitions(text, KEY.part("6b.i"))
    assert got == "(qk + 1)**2" and "read=flattened-superscripts" not in tags


# a reading that stays outside the vocabulary either way is kept as read (the verifier decides)
@pytest.mark.parametrize("text", [
    "sim(q, k) = (qk + 1)2",
    "sim(q, k) = (q k + 1)^2",
    "sim(q, k) = (q . k + 1)2",
    "sim(q, k) = (qTk + b)2",
    "sim(q, k) = (xTy + 1)2",
])
def test_no_flattened_reading_outside_the_vocabulary(text):
    [(_, _, tags)] = expression_with_definitions(text, KEY.part("6b.i"))
    assert "read=flattened-superscripts" not in tags
