"""Claims per part and attempt: sample posts against the gold files, and variants per kind."""

import json
from functools import cache
from pathlib import Path

import pytest

from tractor.extract import extract_claims, format_claims_table
from tractor.homeworks.hw09.choices import canonical_choice
from tractor.homeworks.hw09.feature_maps import parse_feature_map
from tractor.notation.latex import load_expression, to_normalized
from tractor.homeworks import get
from tractor.records import Message, Transcript

from tests.extract._samples import STEMS, sample

KEY = get("hw09").key
GOLD = Path(__file__).resolve().parents[2] / "data" / "gold"


@cache
def claims_of(stem):
    return tuple(extract_claims(sample(stem), KEY))


def _one(stem, part, attempt, detail=""):
    found = [c for c in claims_of(stem) if c.part == part and c.attempt == attempt and detail in "; ".join(c.tags)]
    assert len(found) == 1, [(c.part, c.attempt, c.tags) for c in claims_of(stem) if c.part == part]
    return found[0]


def _chat(*turns, fmt="txt"):
    roles = ("user", "assistant")
    return Transcript("t", "t." + fmt, fmt, [Message(roles[i % 2], t) for i, t in enumerate(turns)])


# done-criterion: every gold first-attempt part has attempt-1 claims of the key's kind
@pytest.mark.parametrize("stem, part", [
    (stem, part) for i, stem in enumerate(STEMS)
    for part in json.loads((GOLD / f"dev_00{i}.json").read_text())["first_attempt"]
])
def test_gold_first_attempt_parts_have_claims(stem, part):
    found = [c for c in claims_of(stem) if c.part == part and c.attempt == 1]
    assert found and {c.kind for c in found} == {KEY.part(part).kind}
    assert all(c.verdict == "unverified" and c.reference == KEY.part(part).reference for c in found)


# invented parts are kept as written and marked; the samples without one have none
@pytest.mark.parametrize("stem, invented", [(STEMS[0], set()), (STEMS[1], {"6e"}), (STEMS[2], set())])
def test_invented_parts(stem, invented):
    out = [c for c in claims_of(stem) if not c.in_homework]
    assert {c.part for c in out} == invented
    assert all("not-in-homework" in c.tags and c.reference == "" for c in out)


# (sample, part, attempt, kind, normalized): the final stated answer of each attempt
@pytest.mark.parametrize("stem, part, attempt, kind, normalized", [
    (STEMS[0], "1a", 1, "expression", "d*mu**2"),
    (STEMS[0], "1c", 1, "expression", "d"),          # "s = d" is the first answer (wrong)
    (STEMS[1], "1c", 1, "expression", "sqrt(d)"),    # \boxed{s = \sqrt{d}} after a chain
    (STEMS[1], "1a", 1, "expression", "d*mu**2"),    # q^{\text{top } k} export damage
    (STEMS[0], "2a", 1, "vector", "[1, 4, 3]"),      # \begin{matrix} column
    (STEMS[1], "2a", 1, "vector", "[1, 4, 3]"),      # bmatrix with \backslash rows; refusal not an attempt
    (STEMS[0], "4a", 1, "shape", "[h, d, q]"),      # table row "| A |" via "(a) What is A?"
    (STEMS[0], "4c", 1, "einsum", 'torch.einsum("bd,hdq->bhq", x, W_q)'),  # -&gt; in <code>
    (STEMS[1], "4d", 1, "einsum", 'torch.einsum("bd,dk->bk", x, W_k)'),    # "Answer (d):" beats the options
    (STEMS[0], "4g", 1, "big_o", "b*d + d**2 + (b*d*n)/h"),  # display beats MHA's inline bound after it
    (STEMS[0], "4g", 2, "big_o", "b*d + b*k*n + d**2"),
    (STEMS[2], "4g", 1, "big_o", "b*d + d**2 + (b*d*n)/h"),  # first bound of the cell, not "(or ...)"
    (STEMS[0], "6b.i", 1, "expression", "qk**2"),
    (STEMS[0], "6b.i", 2, "expression", "(qk + 1)**2"),      # summary table "Replace A with B"
    (STEMS[2], "6b.i", 2, "expression", "(qk + 1)**2"),
    (STEMS[0], "3a", 1, "code_blanks", json.dumps({"a": "d_model", "b": "d_model", "c": "d_model", "d": "Q",
                                                    "e": "softmax", "f": "V", "g": "self.num_heads", "h": "W_o"})),
    (STEMS[1], "3a", 1, "code_blanks", json.dumps({"a": "d_model", "b": "d_model", "c": "d_model", "d": "Q",
                                                    "e": "softmax", "f": "V", "g": "self.num_heads", "h": "W_o"})),
    (STEMS[0], "6b.ii", 1, "feature_map", json.dumps([{"coef": "1", "monomial": ["a", "b"], "where": "a<=b"}])),
    (STEMS[2], "6b.ii", 1, "feature_map", json.dumps([{"coef": "1", "monomial": ["i", "j"], "where": "i<=j"}])),
    (STEMS[1], "6b.ii", 1, "feature_map", json.dumps([{"coef": "1", "monomial": ["i", "j"], "where": ""}])),
    (STEMS[0], "6b.ii", 2, "feature_map", json.dumps([
        {"coef": "1", "monomial": [], "where": ""}, {"coef": "2", "monomial": ["i"], "where": ""},
        {"coef": "1", "monomial": ["i", "i"], "where": ""}, {"coef": "2", "monomial": ["i", "j"], "where": "i<j"}])),
])
def test_sample_claims(stem, part, attempt, kind, normalized):
    claim = _one(stem, part, attempt)
    assert (claim.kind, claim.normalized) == (kind, normalized)


# big-O time and memory are separate claims for parts whose key has both
@pytest.mark.parametrize("stem, part, resource, normalized", [
    (STEMS[0], "6c", "time", "N**2*(D + M)"),
    (STEMS[0], "6c", "memory", "N**2 + N*(D + M)"),
    (STEMS[2], "6c", "time", "D*n**2"),          # summary table "Time: $O(n^2D)$, Space: ..."
    (STEMS[2], "6c", "memory", "D*n + n**2"),
    (STEMS[0], "6d", "memory", "D**3 + D*N"),
])
def test_big_o_resources(stem, part, resource, normalized):
    assert _one(stem, part, 1, f"resource={resource}").normalized == normalized


# in a table, a bound's resource is its column's header unless its cell names one
@pytest.mark.parametrize("answer, fmt, expected", [
    # a PDF's tab-separated table (rows apart by blank lines): the first cell is the Time column,
    # though the last resource word before it is the header's "Space"
    ("6(c)\n\nOperation\tTime complexity\tSpace complexity\n\nQK^T\tO(n^2 D)\tO(n^2)\n", "pdf",
     [("resource=time", "D*n**2"), ("resource=memory", "n**2")]),
    # markdown with $-math in every cell: each bound under its own column
    ("6(c)\n\n| Step | Time | Memory |\n|---|---|---|\n| scores | $O(n^2 D)$ | $O(n^2 + nD)$ |\n", "txt",
     [("resource=time", "D*n**2"), ("resource=memory", "D*n + n**2")]),
    # a cell that names its resources keeps them
    ("| Part | Answer |\n|---|---|\n| 6(c) | Time: $O(n^2 D)$, Space: $O(n^2 + nD)$ |\n", "txt",
     [("resource=time", "D*n**2"), ("resource=memory", "D*n + n**2")]),
])
def test_big_o_table_columns(answer, fmt, expected):
    claims = extract_claims(_chat("solve 6(c)", answer, fmt=fmt), KEY)
    found = [(tag, c.normalized) for c in claims if c.part == "6c"
             for tag in c.tags if tag.startswith("resource=")]
    assert found == expected


# code patches keep every code block so the verifier can apply them to the template
def test_code_patch_keeps_blocks():
    claim = _one(STEMS[0], "3b", 1)
    edits = json.loads(claim.normalized)
    assert "self.W_o = nn.Linear(2 * d_model, d_model)" in claim.claim
    assert any(e["type"] == "code" and e["text"].startswith("def combine_heads") for e in edits)


# expressions in the notations the issue lists: (assistant text, part, normalized)
@pytest.mark.parametrize("text, part, normalized", [
    ("(c) $s = \\sqrt{d}$", "1c", "sqrt(d)"),
    ("(c) So s = √d, which is the usual scale.", "1c", "sqrt(d)"),
    ("(a) $\\mathbb{E}[q^\\top k] = d\\mu^2$", "1a", "d*mu**2"),
    ("(a) E[qᵀk] = ‖μ‖²", "1a", "norm_mu**2"),
    ("(a) $\\mathbb{E}[q^T k] = \\mu^T \\mu$", "1a", "norm_mu**2"),
    ("(b) $\\operatorname{Var}(q^\\top k) = d$", "1b", "d"),
    ("(c) $s^2 = d \\Rightarrow s = \\sqrt{d}$ (taking the root)", "1c", "sqrt(d)"),
    ("(c) Answer: $\\boxed{s = \\sqrt{d}}$ and then $s = d$ inline", "1c", "sqrt(d)"),
])
def test_expression_variants(text, part, normalized):
    claims = extract_claims(_chat("solve problem 1", text), KEY)
    assert [(c.part, c.normalized) for c in claims] == [(part, normalized)]


@pytest.mark.parametrize("text, normalized", [
    ("6(b)(i) $\\text{sim}(q, k) = (q^{\\text{top } k} + 1)^2$", "(qk + 1)**2"),
    ("6(b)(i) $\\text{sim}(q, k) = (\\langle q, k\\rangle + 1)^2$", "(qk + 1)**2"),
    ("6(b)(i) $\\text{sim}(q,k) = (q \\cdot k + 1)^2$", "(qk + 1)**2"),
    ("6(b)(i) $K(q, k) = (\\mathbf{q}^T \\mathbf{k})^2$", "qk**2"),
])
def test_dot_product_is_one_symbol(text, normalized):
    claims = extract_claims(_chat("do question 6", text), KEY)
    assert [(c.part, c.normalized) for c in claims] == [("6b.i", normalized)]


# PDF text: Unicode math, flattened superscripts restored, always marked pdf-math
@pytest.mark.parametrize("text, part, normalized", [
    ("(c) s = √d", "1c", "sqrt(d)"),
    ("6(b)(i) sim(q, k) = (qTk + 1)2", "6b.i", "(qk + 1)**2"),
    ("6(c) Time: O(N2D + N2M)", "6c", "D*N**2 + M*N**2"),
    ("(a) E[q^T k]\n\nHence\nE[q^⊤ k] = dμ^2", "1a", "d*mu**2"),              # 000 PDF: "^⊤" already a superscript
    ("(b) Var(q^⊤ k) for μ = 0, σ = 1\n\nThus\n\nVar(q^⊤ k) = d", "1b", "d"),
    ("1(a) Compute (E[q^{top k}])\n\nAnswer (1a):\n\n[\nE[q^{top k}] = dμ^2", "1a", "d*mu**2"),  # 001 PDF
    ("2(a) Compute the output\n\n3. Return the value\n\n1\nOutput = 4\n3\n", "2a", "[1, 4, 3]"),  # 000 PDF column
    ("2(a) Argmax attention\n\n[\n\\boxed{\n\\text{output} =\nv_2 =\n\\begin{bmatrix}\n1\\backslash\n4\\backslash"
     "\n3\n\\end{bmatrix}\n}\n", "2a", "[1, 4, 3]"),                               # 001 PDF: raw LaTeX, no $
    ("4(g) Answer (g):\n[O(d^2 + bd + (bnd)/h)]\n(reduced from (O(bnd)) to (O(bnd/h)))",
     "4g", "b*d + d**2 + (b*d*n)/h"),                                              # 001 PDF: undelimited answer line
    ("4(g) the cache term → O(bnd/h) .\n\nTherefore\n\nO(d^2 + bd + (bnd)/h)\n\nCompared with MHA's O(d^2 + bd + bnd) , "
     "the cache term shrinks", "4g", "b*d + d**2 + (b*d*n)/h"),                    # 000 PDF: math under "Therefore"
])
def test_pdf_math(text, part, normalized):
    claims = extract_claims(_chat("solve 1 then 6", text, fmt="pdf"), KEY)
    assert [(c.part, c.normalized) for c in claims] == [(part, normalized)]
    assert all("pdf-math" in c.tags for c in claims)


def test_unparseable_claim_keeps_raw_text_and_reason():
    claims = extract_claims(_chat("solve 1", "(c) $s = \\frac{d}{$"), KEY)
    assert [(c.claim, c.normalized) for c in claims] == [("s = \\frac{d}{", "")]
    assert claims[0].tag("unparsed") is not None


# feature maps in every written form -> component families
@pytest.mark.parametrize("latex, expected", [
    ("\\phi(x) = [1, \\sqrt{2} x_i, x_i^2, \\sqrt{2} x_i x_j (i<j)]",
     [("1", [], ""), ("sqrt(2)", ["i"], ""), ("1", ["i", "i"], ""), ("sqrt(2)", ["i", "j"], "i<j")]),
    ("\\phi(x) = [1, \\sqrt{2}x_1, \\dots, \\sqrt{2}x_D, x_1^2, \\dots, x_D^2, \\sqrt{2}x_1x_2, \\dots, \\sqrt{2}x_{D-1}x_D]",
     [("1", [], ""), ("sqrt(2)", ["i"], ""), ("1", ["i", "i"], ""), ("sqrt(2)", ["i", "j"], "i<j")]),
    ("\\phi(x) = [1, \\sqrt{2}x, x \\otimes x]", [("1", [], ""), ("sqrt(2)", ["i"], ""), ("1", ["i", "j"], "")]),
    ("\\phi(q) = \\text{vec}(qq^T)", [("1", ["i", "j"], "")]),
    ("\\phi(q) = \\{ q_a q_b \\mid 1 \\leq a \\leq b \\leq D \\}", [("1", ["a", "b"], "a<=b")]),
    ("\\phi(x) = [1, \\sqrt{2}x_1, \\sqrt{2}x_2, x_1^2, x_2^2, \\sqrt{2}x_1x_2]",
     [("1", [], ""), ("sqrt(2)", [1], ""), ("sqrt(2)", [2], ""), ("1", [1, 1], ""), ("1", [2, 2], ""),
      ("sqrt(2)", [1, 2], "")]),
    ("φ(x) = [1, √2 x1, …, √2 xD, x1², …, xD², √2 x1x2, …]",
     [("1", [], ""), ("sqrt(2)", ["i"], ""), ("1", ["i", "i"], ""), ("sqrt(2)", ["i", "j"], "i<j")]),
])
def test_feature_map_forms(latex, expected):
    assert [(f["coef"], f["monomial"], f["where"]) for f in parse_feature_map(latex)] == expected


# a condition or remark after the map (PDF prints of 000/002): the condition restricts the
# families that have its indices, the remark is dropped; a print's "x^2_i", "{...∣...}", "∈ R^.."
@pytest.mark.parametrize("latex, expected", [
    ("ϕ(x)_{ij} = x_i x_j (for i ≤ j), vectorized", [("1", ["i", "j"], "i<=j")]),
    ("\\phi(x)_{ij} = x_i x_j \\text{ for } 1 \\leq i \\leq j \\leq d \\text{ (symmetric, then vectorized)}",
     [("1", ["i", "j"], "i<=j")]),
    ("ϕ(x) = [… , √2x_i x_j, … , x^2_i, … ] (over all i ≤ j)",
     [("sqrt(2)", ["i", "j"], "i<=j"), ("1", ["i", "i"], "")]),
    ("\\phi(x) = [\\dots, \\sqrt{2} x_i x_j, \\dots, x_i^2, \\dots] \\text{ (over all } i \\leq j)",
     [("sqrt(2)", ["i", "j"], "i<=j"), ("1", ["i", "i"], "")]),
    ("ϕ(x) = [1, √2 ⋅ x, x ⊙ x] where x ⊙ x denotes the vector of all monomials x_i x_j for 1 ≤ i ≤ j ≤",
     [("1", [], ""), ("sqrt(2)", ["i"], ""), ("1", ["i", "i"], "")]),
    ("ϕ(x) = [x_1 x_1, x_1 x_2, … , x_1 x_d, x_2 x_2, … , x_d x_d] (flattened upper triangle including diagonal",
     [("1", ["i", "i"], ""), ("1", ["i", "j"], "i<j")]),
    ("ϕ(q) = {q_a q_b ∣ 1 ≤ a ≤ b ≤ D} ∈ R^{D(D+1)/2},", [("1", ["a", "b"], "a<=b")]),
])
def test_feature_map_conditions_and_remarks(latex, expected):
    assert [(f["coef"], f["monomial"], f["where"]) for f in parse_feature_map(latex)] == expected


# a coefficient that is not math is no feature map (it used to become the coefficient)
@pytest.mark.parametrize("latex", ["\\phi(x)_{ij} = x_i x_j \\leq \\leq", "\\phi(x) = [1, x_i, x_i x_j =]"])
def test_feature_map_unreadable_coefficient(latex):
    with pytest.raises(ValueError):
        parse_feature_map(latex)


# choices compare in one canonical form, the key's reference included
@pytest.mark.parametrize("text, canonical", [
    ('<code>torch.einsum("bd,hdq-&gt;bhq", x, W_q)</code>', 'torch.einsum("bd,hdq->bhq", x, W_q)'),
    ('`einsum("bd, dk -> bk",x,W_k)`', 'torch.einsum("bd,dk->bk", x, W_k)'),
    ("$([h,d,q])$", "[h, d, q]"),
])
def test_canonical_choice(text, canonical):
    assert canonical_choice(text) == canonical


# blanks from bullets, with "(given)" remarks dropped
# PDF tables print a row's cells as one line: the blank's code is the leading Python expression
@pytest.mark.parametrize("text, blanks", [
    ("3(a)\n(a) Filled-in blanks\n\n(b) d_model the value projection takes d_{model} -wide vectors as input\n\n"
     "(d) Q attention scores are QK^⊤\n\n(g) self.num_heads (given) one slice per head when reshaping\n\n"
     "(h) W_o final linear layer projects concatenated heads back to d_{model}",
     {"b": "d_model", "d": "Q", "g": "self.num_heads", "h": "W_o"}),
    ("3(a)\n(a) Complete the incomplete lines\n(c) 2 * d_model keeps the residual width", {"c": "2 * d_model"}),
])
def test_code_blanks_from_pdf_rows(text, blanks):
    claims = extract_claims(_chat("solve 3", text, fmt="pdf"), KEY)
    assert json.loads(claims[0].normalized) == blanks
    assert "pdf-code" in claims[0].tags


# PDF code blocks: a "python" header and no fences; long lines the print wrapped joined back
@pytest.mark.parametrize("text, blocks", [
    ("3(b)\nPython\n\ndef split_heads(self, x):\n    batch_size, seq_length, d = x.size()          # d can be\n"
     "d_model or 2*d_model\n    head_dim = d // self.num_heads\n    return x.view(batch_size, seq_length,\n"
     "                  self.num_heads, head_dim).transpose(1, 2)\n\nFor Q, K: d = d_m odel, so head_d im = d_k.",
     ["def split_heads(self, x):\n    batch_size, seq_length, d = x.size()          # d can be d_model or 2*d_model\n"
      "    head_dim = d // self.num_heads\n    return x.view(batch_size, seq_length,\n"
      "                  self.num_heads, head_dim).transpose(1, 2)"]),
    ("3(b)\n1. Output projection:\n\npython\n\nself.W_o = nn.Linear(2 * d_model, d_model)\n\n2. Head recombination",
     ["self.W_o = nn.Linear(2 * d_model, d_model)"]),
])
def test_code_patch_from_pdf(text, blocks):
    claims = extract_claims(_chat("solve 3", text, fmt="pdf"), KEY)
    assert [e["text"] for e in json.loads(claims[0].normalized) if e["type"] == "code"] == blocks


# PDF tables without borders: alias rows "A [h, d, q] ...", einsum cells wrapped around the
# explanation column; a question's option list is no answer
@pytest.mark.parametrize("text, part, normalized", [
    ("(a) What is A? [h, d, q] [d, q] [h, q]\n\nitem correct answer explanation\n\nA [h, d, q] we still learn a "
     "distinct query projection per head, so the\nweight tensor carries an h dimension.", "4a", "[h, d, q]"),
    ('(c) What is C? torch.einsum("bd,dq->bhq", x,W_q)\ntorch.einsum("bd,hdq->bhq", x,W_q)\n'
     'torch.einsum("bhd,dq->bhq", x,W_q)\n\nC torch.einsum("bd,hdq->bhq", multiplies every token (b, d) with the '
     'per-head weights\nx, W_q) (h, d, q) , yielding queries of shape (b, h, q) .', "4c",
     'torch.einsum("bd,hdq->bhq", x, W_q)'),
    ('(d) What is D? torch.einsum("bd,dk->bk", x,W_k)\ntorch.einsum("bd,hdk->bhk", x,W_k)\n\n'
     'D torch.einsum("bd,dk->bk", x, produces a single key vector per token of shape (b, k) ,\nW_k) matching B.',
     "4d", 'torch.einsum("bd,dk->bk", x, W_k)'),
])
def test_choices_from_pdf_tables(text, part, normalized):
    claims = extract_claims(_chat("solve 4", text, fmt="pdf"), KEY)
    assert [(c.part, c.normalized) for c in claims] == [(part, normalized)]


# A table row's answer cell (PDF rows are tab-separated) is an answer; of a cell that states a
# change ("Replace A with B", "Change A to B", "A should be B") the claim is B, the new value.
@pytest.mark.parametrize("fmt, request_, text, part, claim, normalized", [
    ("pdf", "solve 6", "Section\tWhat must change\tWhy\n(b)(i)\tReplace sim(q, k) = (q^T k)^2 with (q^T k + 1)^2 ."
     "\tThe standard degree-2 polynomial kernel includes the bias term +1 .", "6b.i", "sim(q, k) = (q^T k + 1)^2",
     "(qk + 1)**2"),                                                              # 000 PDF, attempt 2
    ("txt", "solve 6", "| Section | What must change | Why |\n|---|---|---|\n| (b)(i) | Replace $\\text{sim}(q, k) = "
     "(q^T k)^2$ with $(q^T k + 1)^2$ . | The standard kernel includes the bias term $+1$ . |", "6b.i",
     "(q^T k + 1)^2", "(qk + 1)**2"),
    ("pdf", "solve 1", "Part\tFix\n(c)\tChange s = d to s = √d\tso that the variance is 1", "1c", "s = √d", "sqrt(d)"),
    ("pdf", "solve 1", "Part\tFix\n(c)\tReplace s = d with √d\tso that the variance is 1", "1c", "s = √d", "sqrt(d)"),
    ("pdf", "solve 1", "Part\tFix\n(c)\ts should be √d\tnot d", "1c", "s = √d", "sqrt(d)"),
    ("txt", "solve 1", "| Part | Fix |\n|---|---|\n| (c) | $s$ should be $\\sqrt{d}$ | not $s = d$ |", "1c",
     "\\sqrt{d}", "sqrt(d)"),
    ("pdf", "solve 1", "Part\tAnswer\n(c)\ts = √d\twhere s = d would be wrong", "1c", "s = √d", "sqrt(d)"),
    ("pdf", "solve 4", "Part\tAnswer\n(f)\tO(bd^2 + bnd)", "4f", "O(bd^2 + bnd)", "b*d**2 + b*d*n"),  # 002 PDF
])
def test_table_answer_cells(fmt, request_, text, part, claim, normalized):
    claims = extract_claims(_chat(request_, text, fmt=fmt), KEY)
    assert [(c.part, c.claim, c.normalized) for c in claims] == [(part, claim, normalized)]
    assert all("source=answer" in c.tags for c in claims)


@pytest.mark.parametrize("text", [
    "(a) What is A? [h, d, q] [d, q] [h, q]",
    '(c) What is C? torch.einsum("bd,dq->bhq", x,W_q)\ntorch.einsum("bd,hdq->bhq", x,W_q)',
])
def test_option_lists_are_not_answers(text):
    assert extract_claims(_chat("solve 4", text, fmt="pdf"), KEY) == []


# after "Final answer ...:", the math a sentence later is the answer (002: the 1/sqrt(D) flip)
def test_final_answer_window():
    text = ("6(b)(iii) The cleanest way to write it for the homework:\n\n$$V' = \\phi(Q)^T S / \\phi(Q)^T Z$$\n\n"
            "Final answer you should write for 6(b)(iii):\n\nApplying the feature map row-wise, the kernelized "
            "attention becomes\n\n$$V' = \\frac{1}{\\sqrt{D}} \\phi(Q)^T \\phi(K) V$$\n\nwhere phi is row-wise.")
    claims = extract_claims(_chat("solve 6", text), KEY)
    assert [(c.part, c.claim) for c in claims] == [("6b.iii", "V' = \\frac{1}{\\sqrt{D}} \\phi(Q)^T \\phi(K) V")]


# a matrix formula's abbreviations get the definitions the same answer states (002 attempt 1,
# text and PDF); inputs (phi(Q), the left side's V) and parseable expressions get none
@pytest.mark.parametrize("text, fmt, claim, tag", [
    ("6(b)(iii)\n\n$$V' = \\phi(Q)^T S / \\phi(Q)^T Z$$\n\nwhere $S_j = \\phi(K_j) V_j^T$ and $Z_j = \\phi(K_j)$",
     "txt", "V' = \\phi(Q)^T S / \\phi(Q)^T Z, where S_j = \\phi(K_j) V_j^T, Z_j = \\phi(K_j)", "defined=S,Z"),
    ("6(b)(iii)\n\nV^′ = ϕ(Q)^T S/ϕ(Q)^T Z\n\nwhere S_j = ϕ(K_j)V_j^T and Z_j = ϕ(K_j)", "pdf",
     "V^′ = ϕ(Q)^T S/ϕ(Q)^T Z, where S_j = ϕ(K_j)V_j^T, Z_j = ϕ(K_j)", "defined=S,Z"),
    ("6(b)(iii)\n\n$$S = \\sum_j \\phi(K_j) V_j^T \\in \\mathbb{R}^{d' \\times M}$$\n\n$$V' = \\phi(Q)^T S$$",
     "txt", "V' = \\phi(Q)^T S, where S = \\sum_j \\phi(K_j) V_j^T", "defined=S"),
    ("6(b)(iii)\n\nFinal answer:\n\n$$V' = \\frac{1}{\\sqrt{D}} \\phi(Q)^T \\phi(K) V$$\n\n"
     "where $Q = x W_Q$, $K = x W_K$, $V = x W_V$", "txt", "V' = \\frac{1}{\\sqrt{D}} \\phi(Q)^T \\phi(K) V", ""),
    ("(c) $s = \\sqrt{d}$ where $D = 4$", "txt", "s = \\sqrt{d}", ""),
])
def test_matrix_formula_definitions(text, fmt, claim, tag):
    claims = extract_claims(_chat("solve 6" if "6(b)" in text else "solve 1", text, fmt=fmt), KEY)
    assert [c.claim for c in claims] == [claim]
    assert (tag in claims[0].tags) if tag else claims[0].tag("defined") is None


# inline math a PDF wrapped onto the next line is one segment (002 rawtex, attempt 2)
@pytest.mark.parametrize("text, claim", [
    ("6(b)(iii) No change — the general form still holds: $V'_i = \\phi(Q_i)^T (\\sum_j \\phi(K_j) V_j^T) /\n"
     "\\phi(Q_i)^T (\\sum_j \\phi(K_j))$\n\nThe complexity",
     "V'_i = \\phi(Q_i)^T (\\sum_j \\phi(K_j) V_j^T) / \\phi(Q_i)^T (\\sum_j \\phi(K_j))"),
    ("(c) so the answer is $s =\n\\sqrt{d}$ here", "s = \\sqrt{d}"),
])
def test_wrapped_inline_math(text, claim):
    claims = extract_claims(_chat("solve 6" if "6(b)" in text else "solve 1", text, fmt="pdf"), KEY)
    assert [c.claim for c in claims] == [claim]


def test_code_blanks_from_bullets():
    text = "3(a) blanks\n- (a) `d_model`\n- (c) `d_model` (given)\n- (h) We apply W_o → **(h)** `W_o`"
    claims = extract_claims(_chat("solve 3", text), KEY)
    assert json.loads(claims[0].normalized) == {"a": "d_model", "c": "d_model", "h": "W_o"}


# normalized strings read back with every name a Symbol (N, E, Q are not sympy built-ins)
@pytest.mark.parametrize("latex", ["N^2 D + N^2 M", "E + Q", "\\sqrt{d}", "(q^T k + 1)^2"])
def test_normalized_round_trip(latex):
    normalized, reason = to_normalized(latex)
    assert not reason and str(load_expression(normalized)) == normalized


# Greek letters spelled out in plain text are the letters, not products of single letters; a word
# that merely contains one ("summary", "mus") is left alone.
@pytest.mark.parametrize("text, normalized", [
    ("d mu^2", "d*mu**2"),
    ("sigma^2 d", "d*sigma**2"),
    ("d \\mu^2", "d*mu**2"),
    ("mus", "m*s*u"),
])
def test_spelled_greek(text, normalized):
    assert to_normalized(text) == (normalized, "")


def test_claims_table():
    table = format_claims_table(list(claims_of(STEMS[1])))
    lines = table.splitlines()
    assert lines[0].split()[:5] == ["part", "in_hw", "att", "msg", "kind"]
    assert any(line.startswith("6e") and " NO " in line for line in lines)
    assert any(line.startswith("1c") and "sqrt(d)" in line for line in lines)
