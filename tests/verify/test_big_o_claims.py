"""Big-O answers as written, through the real extractor and verifier (``check_claim``): which
bound of an attempt is the answer, how it is written, and when it cannot be judged.

Rows are written for these tests (classes of the notation zoo, ../shared/notation-zoo, not its
rows); each class has at least five variants.
"""

import pytest

from tractor.verify import check_claim


def judged(part: str, text: str) -> str:
    return check_claim(text, homework="hw09", part=part).verdict


# the conclusion after "so / hence / therefore / in total" is the answer, not the steps before it
CONCLUSIONS = [
    ("6c", "The score matrix needs $O(N^2 D)$ work and the weighted sum $O(N^2 M)$; hence the running "
           "time is $O(N^2 D + N^2 M)$.", "correct"),
    ("4f", "Each projection is $O(bd^2)$ and reading the cache is $O(bnd)$, therefore overall compute is "
           "$O(bd^2 + bnd)$.", "correct"),
    ("4g", "Loading the weights costs $O(d^2)$ and the cache $O(bnd/h)$; in total the memory traffic is "
           "$O(d^2 + bd + bnd/h)$.", "correct"),
    ("6d", "One query costs $O(D^2 M)$, thus all $N$ queries take $O(N D^2 M)$.", "correct"),
    ("4f", "Projections: O(bd^2). Attention over the cache: O(bnd). So the step costs O(bd^2 + bnd).", "correct"),
    # the conclusion is judged even when it is the wrong one
    ("4f", "The projections cost $O(bd^2)$, so the whole step is $O(bd^2)$.", "incorrect"),
    ("6c", "Forming $QK^T$ is $O(N^2 D)$ and applying it to $V$ is $O(N^2 M)$, so time $O(N^2 D)$.", "incorrect"),
    ("4f", "MHA needs $O(bd^2 + bnd)$, hence MQA needs $O(bd^2 + bnd/h)$.", "incorrect"),
]

# a comparison or a rejected bound after the answer is not the answer
ASIDES = [
    ("4g", "$O(d^2 + bd + bnd/h)$ (compare MHA, which needs $O(d^2 + bd + bnd)$)", "correct"),
    ("4f", "Compute: $O(bd^2 + bnd)$, not $O(bd^2 + bnd/h)$", "correct"),
    ("6c", "Time: $O(N^2 D + N^2 M)$ versus $O(N D^2)$ for a linear kernel", "correct"),
    ("4g", "$O(d^2 + bd + bnd/h)$, a factor-$h$ reduction of the $O(bnd)$ term", "correct"),
    ("6d", "Time: $O(N D^3)$, compared with $O(N^2 D)$ for softmax attention", "correct"),
    ("4g", "Memory access: $O(d^2 + bd + bnd)$ (not $O(d^2 + bd + bnd/h)$)", "incorrect"),
]

# restated answers: the last statement of the same rank wins
CORRECTIONS = [
    ("6c", "Time: $O(N^2 D)$.\nTime: $O(N^2 D + N^2 M)$ (the product with V was missing).", "correct"),
    ("4f", "Compute is $O(bd^2 + bnd)$. Hmm, the cache is shared, so compute is $O(bd^2 + bnd/h)$.", "incorrect"),
    ("6d", "Time $O(N D^2)$ — no: each of the $D^2$ features multiplies an $M$-vector, so time is "
           "$O(N D^2 M)$.", "correct"),
    ("4g", "Memory access: O(d^2 + bd + bnd)\nMemory access: O(d^2 + bd + bnd/h), since the cache is shared.",
     "correct"),
    ("6c", "Space: $O(N^2 + ND + NM)$.\nSpace: $O(ND + NM)$ if the matrix is never stored.", "incorrect"),
]

# unit words and worked numbers after the bound
UNITS = [
    ("6c", "Space: $O(N^2 + ND + NM)$ numbers, roughly 100 MB at $N = 5000$", "correct"),
    ("4f", "Compute: $O(bd^2 + bnd)$ multiply-adds", "correct"),
    ("4g", "Memory access: $O(d^2 + bd + bnd/h)$ words read per step", "correct"),
    ("6d", "Time: $O(N D^3)$ operations, about $10^{12}$ for $N = 10^4$", "correct"),
    ("6c", "Time: $O(N^2 D + N^2 M)$ FLOPs; with $N = 2048$ the $N^2$ factor dominates.", "correct"),
]

# Θ and the other ways of writing the O
SIGNS = [
    ("4f", "Compute: $\\Theta(bd^2 + bnd)$", "correct"),
    ("4f", "Compute: Θ(bd² + bnd)", "correct"),
    ("4f", "Compute: $\\operatorname{O}(bd^2 + bnd)$", "correct"),
    ("4g", "Memory access: $\\mathrm{O}(d^2 + bd + bnd/h)$", "correct"),
    ("6d", "Time: $\\Theta(N D^3)$", "correct"),
    ("6d", "Time: $\\Theta(N D^2)$", "incorrect"),
]

# a sum of bounds is the bound of the sum
SUMS = [
    ("6c", "Time: $O(N^2 D) + O(N^2 M)$", "correct"),
    ("6c", "Space: $O(N^2) + O(ND) + O(NM)$", "correct"),
    ("4f", "Compute: O(bd^2) + O(bnd)", "correct"),
    ("4g", "Memory access: $O(d^2) + O(bd) + O(bnd/h)$", "correct"),
    ("6d", "Time: $O(N D^2 M) + O(N D^2)$", "correct"),
    ("6c", "Time: $O(N^2 D) + O(N D)$", "incorrect"),
]

# exponents a plain-text print flattened: a digit glued after a size is its power
FLATTENED = [
    ("6c", "Time: O(N2D + N2M)", "correct"),
    ("6c", "Space: O(N2 + ND + NM)", "correct"),
    ("4f", "Compute: O(bd2 + bnd)", "correct"),
    ("4g", "Memory access: O(d2 + bd + bnd/h)", "correct"),
    ("6d", "Time: O(ND3)", "correct"),
    ("6c", "Time: O(N2D)", "incorrect"),
    ("6d", "Time: O(ND2)", "incorrect"),
]

# glued runs of the part's size letters are products
GLUED = [
    ("4g", "Memory access: $O(d^2 + bd + bnd h^{-1})$", "correct"),
    ("4f", "Compute: $O(bdd + bnd)$", "correct"),
    ("4g", "Memory access: $O(dd + bd + bnk)$", "correct"),
    ("6c", "Time: $O(NND + NNM)$", "correct"),
    ("6c", "Space: $O(NN + ND + NM)$", "correct"),
    ("4f", "Compute: $O(bnd)$", "incorrect"),
]

# max of sizes is Θ of their sum; a min has no such reading
MAXIMA = [
    ("6c", "Time: $O(N^2 \\max(D, M))$", "correct"),
    ("6c", "Time: $O(\\max(D, M) N^2)$", "correct"),
    ("6c", "Time: O(N^2 max(D, M))", "correct"),
    ("6c", "Space: $O(N \\max(N, D, M))$", "correct"),
    ("6c", "Time: $O(N^2 \\max\\{D, M\\})$", "correct"),
    ("6c", "Time: $O(N \\max(D, M))$", "incorrect"),
    ("6c", "Time: $O(N^2 \\min(D, M))$", "unverified"),
]

# a dot or a cross between sizes is a product (never a dot product of vectors named b and d),
# and spacing between the O and its parenthesis changes nothing
PRODUCTS = [
    ("4f", "Compute: $O(b \\cdot d^2 + b \\cdot n \\cdot d)$", "correct"),
    ("4f", "Compute: O(b·d² + b·n·d)", "correct"),
    ("6d", "Time: $O(N \\times D^2 \\times M)$", "correct"),
    ("6c", "Time: O(N**2 * D + N**2 * M)", "correct"),
    ("4g", "Total memory access: $O\\!\\left(d^2 + bd + \\tfrac{bnd}{h}\\right)$", "correct"),
    ("4f", "Compute: $O\\,(b \\cdot d \\cdot n)$", "incorrect"),
]

# a bound over names the part does not have is a misread, never a wrong answer
VOCABULARY = [
    ("6c", "Time: $O(N^2 x)$", "unverified"),
    ("4f", "Compute: $O(b d^2 + b n d L)$", "unverified"),
    ("6c", "Time: $O(T^2 D)$", "unverified"),
    ("4g", "Memory access: $O(d^2 + B d)$", "unverified"),
    ("6c", "Time: $O(n^2 d + n^2 m)$", "unverified"),
    ("6d", "Time: $O(L D^3)$", "unverified"),
    # a restatement with a stray name is a misread of the answer: no earlier bound stands in
    ("6c", "Time: O(N^2 D)\nTime: O(N^2 x)", "unverified"),
    ("6c", "Time: O(N^2 D + N^2 M)\nTime: O(N^2 x)", "unverified"),
]

# a bound over none of the part's sizes is another question's: an equally strong one stands in
FOREIGN = [
    ("6c", "Time: O(N^2 D + N^2 M)\nTime: O(L^2)", "correct"),
    ("6c", "Time: O(L^2 E)\nTime: O(N^2 D + N^2 M)", "correct"),
    ("4f", "Compute: $O(bd^2 + bnd)$\nCompute: $O(T^2)$ for the prefill", "correct"),
    ("6d", "Time: $O(ND^3)$\nTime: $O(L)$", "correct"),
    ("6d", "Time: $O(N D^2)$\nTime: $O(L)$", "incorrect"),
]

# a part about one resource: the other resource's bound is not its answer; "\times" is no time
RESOURCES = [
    ("4f", "Same as MHA, $O(bd^2 + bnd)$; the memory traffic drops to $O(d^2 + bd + bnd/h)$", "correct"),
    ("4g", "The FLOPs stay $O(bd^2 + bnd)$ but memory access becomes $O(d^2 + bd + bnd/h)$", "correct"),
    ("4g", "Compute $O(bd^2 + bnd)$", "unverified"),
    ("6c", "Keeping the $N \\times N$ matrix takes $O(N^2)$ and $Q, K, V$ take $O(ND + NM)$: space "
           "$O(N^2 + ND + NM)$", "correct"),
    ("6c", "Storing the $N \\times N$ scores: $O(N^2)$; storing $Q$, $K$, $V$: $O(ND + NM)$; space "
           "overall $O(N^2 + ND + NM)$", "correct"),
    ("6c", "The $N \\times D$ and $N \\times M$ inputs plus the scores give space $O(N^2 + ND + NM)$", "correct"),
]


@pytest.mark.parametrize("part, text, expected",
                         CONCLUSIONS + ASIDES + CORRECTIONS + UNITS + SIGNS + SUMS + FLATTENED + GLUED + MAXIMA
                         + VOCABULARY + FOREIGN + RESOURCES + PRODUCTS)
def test_big_o_answers(part, text, expected):
    assert judged(part, text) == expected
