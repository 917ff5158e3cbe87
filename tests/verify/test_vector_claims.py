"""Vector answers (HW9 2(a), output (1, 4, 3)) through the real extractor and verifier
(``check_claim``): which vector of an attempt is the answer, whether its shape fits, how it is
written. Rows written for these tests by class; each class has at least five variants.
"""

import pytest

from tractor.verify import check_claim


def judged(text: str) -> str:
    return check_claim(text, homework="hw09", part="2a").verdict


# the conclusion after the steps: scores, query and keys on the way are not the output
CONCLUSIONS = [
    ("The scores are $(3, 11, 5, 2)$, so the output is $(1, 4, 3)$.", "correct"),
    ("Inner products with $q$: 3, 11, 5, 2. Hence the output is $[1, 4, 3]$.", "correct"),
    ("The second key wins; therefore the result is $(1, 4, 3)$.", "correct"),
    ("The largest score picks key 2, thus output $= (0, 3, 4)$.", "incorrect"),
    ("Output $(0, 3, 4)$. Wait, that is the key, so the output is $(1, 4, 3)$.", "correct"),
    ("The output is $(1, 4, 3)$. Hmm, I mixed up keys and values, so the output is $(0, 3, 4)$.", "incorrect"),
]

# a rejected or compared vector after the answer is no answer
ASIDES = [
    ("Output: $(1, 4, 3)$ (not $(0, 3, 4)$, the matching key)", "correct"),
    ("Output: $(1, 4, 3)$ — rather than $(0, 3, 4)$, which is a key", "correct"),
    ("The output is $[1, 4, 3]$ instead of the softmax average $[0.9, 3.5, 3.1]$", "correct"),
    ("Output $(1, 4, 3)$, compared with $(0, -1, 4)$ for the third key", "correct"),
    ("Output: $(1, 4, 3)$; a softmax would give e.g. $(1.0, 3.9, 3.0)$", "correct"),
]

# the shape must fit: a vector of another length is a step or a given, not the answer
SHAPES = [
    ("The scores are $[3, 11, 5, 2]$, so the output is the second value.", "unverified"),
    ("Output: $(1, 4, 3)$, since the scores $(3, 11, 5, 2)$ peak at the second key", "correct"),
    ("Attention weights $[0, 1, 0, 0]$ after the argmax.", "unverified"),
    ("The one-hot weights are $(0, 1, 0, 0)$ and the output is $(1, 4, 3)$.", "correct"),
    ("The output is $(1, 4, 3)$; the weights are $(0, 1, 0, 0)$.", "correct"),
    # stated as the answer and alone: its wrong shape is the error
    ("The output is $[0, 1, 0, 0]$.", "incorrect"),
    ("Answer: 11", "incorrect"),
    ("The output is 3.", "incorrect"),
]

# the part's given data named before a vector: the query or a key, not the output
GIVENS = [
    ("The output is $(1, 4, 3)$ for the query $(1, 1, 2)$.", "correct"),
    ("Output $[1, 4, 3]$, matched by the key $[0, 3, 4]$", "correct"),
    ("For the query $(1, 1, 2)$ the output is $(1, 4, 3)$.", "correct"),
    ("Result: $(1, 4, 3)$ given query $(1, 1, 2)$", "correct"),
    ("The output is $(0, -1, 4)$ for the query $(1, 1, 2)$.", "incorrect"),
]

# how vectors are written: spaces, spacing macros, transposes, column vectors, names of values
NOTATIONS = [
    ("Output = [1 4 3]^T", "correct"),
    ("$[1\\ 4\\ 3]$", "correct"),
    ("$(1,\\;4,\\;3)^\\top$", "correct"),
    ("$\\boxed{(1,\\,4,\\,3)}$", "correct"),
    ("Answer: $\\mathbf{v}_2$", "correct"),
    ("The output is $\\boldsymbol{v}_{2}$.", "correct"),
    ("The output is $v_3$.", "incorrect"),
    ("1\nOutput = 4\n3", "correct"),
    ("Output = [0 3 4]", "incorrect"),
    ("Output $\\left(1, 4, 3\\right)$", "correct"),
    ("Output $\\left[1,\\ 4,\\ 3\\right]^{\\top}$", "correct"),
]

# numbers stated as the answer without brackets
UNBRACKETED = [
    ("Output: 1, 4, 3", "correct"),
    ("The output is 1, 4, 3.", "correct"),
    ("Answer: 1.0, 4.0, 3.0", "correct"),
    ("Output: 0, 3, 4", "incorrect"),
    ("The result is 2, 0, 1", "incorrect"),
    ("The scores are 3, 11, 5, 2.", "unverified"),
]

# PDF columns: one number a line, the label beside the first or the middle row, drawn brackets
COLUMNS = [
    ("Output = 1\n4\n3", "correct"),
    ("Output =\n1\n4\n3", "correct"),
    ("⎡1⎤\n⎢4⎥\n⎣3⎦", "correct"),
    ("[1\n4\n3]", "correct"),
    ("Output:\n(1\n4\n3)", "correct"),
    ("Output = 0\n3\n4", "incorrect"),
    ("$$[3, 11, 5, 2]$$\nso the output is the second value", "unverified"),
]


@pytest.mark.parametrize("text, expected",
                         CONCLUSIONS + ASIDES + SHAPES + GIVENS + NOTATIONS + UNBRACKETED + COLUMNS)
def test_vector_answers(text, expected):
    assert judged(text) == expected
