"""``check_claim`` end to end, by class of what issue 12 asks: the real extractor and verifier
on one claim text, on a key part (HW9) or against a bare reference."""

import pytest

from tractor.errors import TractorError
from tractor.verify import check_claim


def _on(part, text):
    return check_claim(text, homework="hw09", part=part)


# a parse with a name the part does not have was misread: never incorrect (vocabulary)
@pytest.mark.parametrize("part, text", [
    ("1c", r"$s = \sqrt{n}$"), ("1c", r"$s = \sqrt{d_v}$"), ("1c", "s = sqrt(x)"),
    ("1a", r"$\mathbb{E}[q^\top k] = \|\nu\|^2$"), ("1a", r"$\mathbb{E}[q^\top k] = \Sigma_i \mu_i^2$"),
    ("1b", r"$\operatorname{Var}(q^\top k) = n$"),
])
def test_strange_symbols_unverified(part, text):
    result = _on(part, text)
    assert result.verdict == "unverified" and "vocabulary" in result.reason


# ... while a faithful parse of a wrong answer stays incorrect
@pytest.mark.parametrize("part, text", [
    ("1c", "$s = d^2$"), ("1c", r"$s = \frac{1}{\sqrt{d}}$"), ("1a", r"$\mathbb{E}[q^\top k] = d\sigma^2$"),
    ("1a", r"$\mathbb{E}[q^\top k] = d\|\mu\|^2$"), ("1b", r"$\operatorname{Var}(q^\top k) = d^2$"),
])
def test_faithful_wrong_incorrect(part, text):
    assert _on(part, text).verdict == "incorrect"


# the key's aliases: d_k is d in Question 1
@pytest.mark.parametrize("text", [r"$s = \sqrt{d_k}$", "s = √d_k", "s = sqrt(d_k)", r"$s=\sqrt{d_{k}}$", "$s = d_k^{1/2}$"])
def test_alias(text):
    result = _on("1c", text)
    assert (result.verdict, result.parsed) == ("correct", "sqrt(d)")


# plain text may be a PDF text layer: a glued digit is a flattened superscript, never a factor
@pytest.mark.parametrize("part, text, verdict", [
    ("1c", "s = d1/2", "correct"), ("1a", "E[qTk] = dµ2", "correct"), ("1a", "E[qTk] = ‖µ‖2", "correct"),
    ("6b.i", "sim(q, k) = (qTk + 1)2", "correct"), ("1a", "E[qTk] = µ2", "incorrect"),
    ("1c", "s = d3/2", "incorrect"), ("1b", "Var(qTk) = d2", "incorrect"), ("1b", "Var(qTk) = d", "correct"),
    ("1a", "E[qTk] = µTµ", "correct"),
])
def test_plain_text_two_readings(part, text, verdict):
    assert _on(part, text).verdict == verdict


# the reference with its radical dropped, in plain text, may be a PDF print: withheld; in LaTeX it is wrong
@pytest.mark.parametrize("text, verdict", [
    ("s = d", "unverified"), ("So s = d.", "unverified"), ("**s = d**", "unverified"), ("Answer: s = d", "unverified"),
    ("$s = d$", "incorrect"), (r"\(s = d\)", "incorrect"), ("s = d^2", "incorrect"),
])
def test_radical_dropped(text, verdict):
    assert _on("1c", text).verdict == verdict


# an answer stated in words, with markdown bold around it
@pytest.mark.parametrize("part, text, verdict", [
    ("1b", "Answer: d", "correct"), ("1b", "the answer is d (the dimension)", "correct"), ("1b", "Final answer: d", "correct"),
    ("1b", "answer = d", "correct"), ("1b", "Answer: d^2", "incorrect"), ("1c", "**s = √d**", "correct"),
    ("1b", "**Var(qᵀk) = d**", "correct"), ("1a", "**E[qᵀk] = ‖μ‖²**", "correct"), ("1c", r"**$s = \sqrt{d}$**", "correct"),
])
def test_answers_in_words_and_bold(part, text, verdict):
    assert _on(part, text).verdict == verdict


# against a bare reference: equations as Math-Verify compares them
@pytest.mark.parametrize("text, reference, verdict", [
    ("$x = 11$", "11", "correct"), (r"$x \approx 11$", "$11$", "correct"), (r"$x = 1/3 \approx 0.33$", "$1/3$", "correct"),
    ("$k = 1$", "$1$", "correct"), ("$1$", "$k=1$", "correct"), ("$11a + c$", "$7 = 11a+c$", "incorrect"),
    (r"$y = -\frac12 x + \frac34$", "$2x + 4y - 3 = 0$", "correct"), ("$0$", "$a + 3z = 0$", "incorrect"),
    ("$z = 3 + 3 = 2$", "$z = 1 + 1 = 2$", "correct"), ("$x^2/16 + y^2/12 = 1/4$", "$x^2/4 + y^2/3 = 1$", "correct"),
])
def test_reference_relations(text, reference, verdict):
    assert check_claim(text, reference=reference).verdict == verdict


# against a bare reference: text that is not math is never judged
@pytest.mark.parametrize("text, reference", [
    ("The answer is nine", "9"), ("nine", "9"), ("Final Answer: The largest $n$ is 34.", "$34$"),
    ("miles", "125"), (r"$\boxed{28}$ pct", r"$28\%$"), ("We found it. There are 12 ways, I hope.", "12"),
])
def test_reference_words_unverified(text, reference):
    assert check_claim(text, reference=reference).verdict == "unverified"


# against a bare reference: number formats, rounded decimals, several values
@pytest.mark.parametrize("text, reference, verdict", [
    ("1 000", "1000", "correct"), ("7,425,000", "7425000", "correct"), ("4 4/9", "40/9", "correct"),
    (r"$14{,}916$", "14916", "correct"), ("Final Answer: The final answer is $10,455$.", "$10455$", "correct"),
    ("$0.33$", r"$\frac13$", "unverified"), ("0.333", "1/3", "unverified"),
    (r"$\begin{pmatrix}0.33\\0.2\end{pmatrix}$", r"$\begin{pmatrix}\frac{1}{3}\\ \frac{1}{5}\end{pmatrix}$", "unverified"),
    ("0.5", "1/2", "correct"), ("0.34", "1/3", "incorrect"),
    (r"$$\boxed{k = 45} \quad \text{and} \quad \boxed{n = 2}$$", "$$k = 45, n = 2$$", "unverified"),
    ("11\n5/6", "71/6", "unverified"), ("4 4/9 2", "2", "unverified"), ("11 7/6", "73/6", "unverified"),
])
def test_reference_numbers(text, reference, verdict):
    assert check_claim(text, reference=reference).verdict == verdict


# the same formula with other variable names may only be another letter: never incorrect
@pytest.mark.parametrize("text, reference", [("$f(y)$", "$f(x)$"), ("$a + 1$", "$b + 1$"), ("$2t^2$", "$2x^2$"),
                                             (r"$\sqrt{y}$", r"$\sqrt{x}$"), ("$u v$", "$x y$")])
def test_reference_renamed(text, reference):
    assert check_claim(text, reference=reference).verdict == "unverified"


# bad calls are errors for the caller, not verdicts
@pytest.mark.parametrize("kwargs", [{}, {"part": "1c", "reference": "d"}, {"part": "9z"}, {"homework": "hw09", "part": "9z"}])
def test_bad_calls(kwargs):
    with pytest.raises(TractorError):
        check_claim("s = d", **kwargs)


# Greek letters spelled out in plain text are math, not English words ending the formula
@pytest.mark.parametrize("part, text, verdict", [
    ("1a", "E[q^T k] = mu^T mu", "correct"),
    ("1a", "By independence, E[q^T k] = sum_i mu_i^2, so E[q^T k] = mu^T mu", "correct"),
    ("1a", "E[q^T k] = d mu^2", "correct"),
    ("1a", "E[q^T k] = mu^T mu + 1", "incorrect"),
    ("1a", "The mean is E[q^T k] = sigma^2 d", "incorrect"),
    ("1b", "Var(q^T k) = d sigma^4", "incorrect"),
])
def test_spelled_greek_in_plain_text(part, text, verdict):
    assert _on(part, text).verdict == verdict
