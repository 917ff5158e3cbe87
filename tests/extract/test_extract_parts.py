"""Part segmentation and attempts, on the sample posts and on variants in other notations."""

import pytest

from tractor.extract import segment_parts
from tractor.homeworks import get
from tractor.records import Message, Transcript

from tests.extract._samples import sample

KEY = get("hw09").key


def _parts(transcript):
    return {(s.part, s.attempt, s.message_index) for s in segment_parts(transcript, KEY)}


def _chat(*turns, fmt="txt"):
    roles = ("user", "assistant")
    return Transcript("t", "t.txt", fmt, [Message(roles[i % 2], t) for i, t in enumerate(turns)])


# (sample, part, attempt, message index): headings, bold labels, alias rows "| A |", "Answer (1a):",
# "6(b)(iii)" in a summary table, prelude answering the user's "for g)", invented 6e
@pytest.mark.parametrize("stem, part, attempt, message", [
    ("000_c66c20e44076dd47", "1c", 1, 1),
    ("000_c66c20e44076dd47", "2a", 1, 3),
    ("000_c66c20e44076dd47", "3b", 1, 5),
    ("000_c66c20e44076dd47", "4a", 1, 7),
    ("000_c66c20e44076dd47", "4e", 1, 7),
    ("000_c66c20e44076dd47", "4g", 2, 9),
    ("000_c66c20e44076dd47", "6b.i", 1, 11),
    ("000_c66c20e44076dd47", "6b.ii", 2, 13),
    ("001_c77c6757d0383bc8", "1a", 1, 5),
    ("001_c77c6757d0383bc8", "4g", 1, 13),
    ("001_c77c6757d0383bc8", "6e", 1, 15),
    ("001_c77c6757d0383bc8", "6e", 2, 17),
    ("002_dae959164a571601", "4d", 1, 0),
    ("002_dae959164a571601", "6b.iii", 1, 2),
    ("002_dae959164a571601", "6b.ii", 3, 8),
    ("002_dae959164a571601", "6c", 2, 14),
])
def test_sample_spans(stem, part, attempt, message):
    assert (part, attempt, message) in _parts(sample(stem))


# restated problem text before a "Solution" heading is not an answer; blanks (a)-(h) of 3a are
# not parts 3b-3h; a heading "(b)" over (i)-(iii) is not a part of its own
@pytest.mark.parametrize("stem, absent", [
    ("000_c66c20e44076dd47", {"6b", "3c", "3h"}),
    ("001_c77c6757d0383bc8", {"3c", "3h", "6b"}),
    ("002_dae959164a571601", {"6b", "6i", "6j"}),
])
def test_sample_non_parts(stem, absent):
    assert not absent & {p for p, _, _ in _parts(sample(stem))}


def test_invented_part_is_kept_and_marked():
    spans = [s for s in segment_parts(sample("001_c77c6757d0383bc8"), KEY) if s.part == "6e"]
    assert spans and not any(s.in_homework for s in spans)


# the same answers in other notations: (turns, expected (part, attempt, message index) set)
@pytest.mark.parametrize("turns, expected", [
    (("now solve 2", "## Problem 2\n\n**(a)** output is $[1,4,3]$\n\n**(b)** gradients vanish"),
     {("2a", 1, 1), ("2b", 1, 1)}),
    (("do question 6", "6b ii\n$\\phi(x) = [1, x]$\n\n6b iii\nsomething"), {("6b.ii", 1, 1), ("6b.iii", 1, 1)}),
    (("go on", "Question 3 (b)\nchange W_o\n\n#### 1(a) Define E\n$d\\mu^2$"), {("3b", 1, 1), ("1a", 1, 1)}),
    (("solve 1", "**(c) Scaling factor**\n\n$s=\\sqrt{d}$"), {("1c", 1, 1)}),
    (("solve 4", "4(a)–(e): choices\n\n| part | answer |\n|---|---|\n| (d) | `x` |\n| (e) | `y` |"),
     {("4d", 1, 1), ("4e", 1, 1)}),
    (("solve 1", "(c) $s = d$", "for (c), are you sure?", "Sorry: $s=\\sqrt{d}$"), {("1c", 1, 1), ("1c", 2, 3)}),
    (("you may proceed to the next question", "(a) x"), set()),
    # 002 PDF: a wrapped table cell "(i ≠ j)" prints "j)" at a line start: not part 6j
    (("do question 6", "6(b)(ii)\nq_i q_j k_i k_j (i = 1 once for (i,j) and once for (j,i) → appears\n"
      "j) twice in the double sum"), {("6b.ii", 1, 1)}),
    # 000 PDF: a blank row states code, "(b) Making ..." (its "##" lost) is part 3b
    (("solve 3", "(a) Filled-in blanks\n\n(b) d_model the value projection takes d_{model}\n\n"
      "(h) W_o final linear layer\n\n(b) Making the doubled-value variant work\nChanging"),
     {("3a", 1, 1), ("3b", 1, 1)}),
    # 001 PDF: "(c) Final linear should ..." names no key part; "(b) ...:" introduces a blank
    (("solve 3", "3(a)\n(b) The input dimension of W_v should match the input embedding dimension:\n(b) d_model\n"
      "(c) Final linear should map from d_model back to d_model :\n(c) d_model"), {("3a", 1, 1)}),
    # 000 PDF: alias rows of a borderless table
    (("solve 4", "(a) What is A? [h, d, q] [d, q] [h, q]\n(b) What is B? [h, d, k] [d, k]\n\n"
      "A [h, d, q] we still learn\n\nB [d, k] keys are shared\n\nA transformer layer is"),
     {("4a", 1, 1), ("4b", 1, 1)}),
])
def test_variant_notations(turns, expected):
    assert _parts(_chat(*turns)) == expected


def test_next_question_skips_the_coding_question():
    chat = _chat("solve 4", "(g) $O(d^2)$", "next question please", "(a) sim must be positive")
    assert ("6a", 1, 3) in _parts(chat)


def test_question_inferred_from_letters_when_the_post_starts_mid_conversation():
    chat = Transcript("t", "t.txt", "txt", [Message("assistant", "Part\tAnswer\n(f)\t$O(bd^2)$\n(g)\t$O(d^2)$")])
    assert _parts(chat) == {("4f", 1, 0), ("4g", 1, 0)}


# A "Solution"/"Answer" heading hides the restated problem above it; a bare "answer" line inside
# wrapped PDF prose (a student's note) is not such a heading.
@pytest.mark.parametrize("text, heading", [
    ("## Solution\n\n(a) x", True),
    ("Solution\n\n(a) x", True),
    ("**Answer:**\n(a) x", True),
    ("and got 6e wrong, which is the first incorrect\nanswer\nusing a linearized kernel", False),
])
def test_solution_heading(text, heading):
    from tractor.extract.parts import _SOLUTION_HEADING

    assert bool(_SOLUTION_HEADING.search(text)) == heading


# A user turn that names no part but questions or quotes the previous answer asks about the part
# that answer gave; ambiguous or unrelated turns attribute nothing
@pytest.mark.parametrize("turns, expected", [
    (("solve 1", "(c) $s = \\sqrt{d}$", "Are you sure? I thought the scaling factor should be d.",
      "You're right, I apologize: $$s = d$$"), {("1c", 1, 1), ("1c", 2, 3)}),
    (("solve 1", "(c) $s = \\sqrt{d}$", "Is that right? Check again.", "Yes: $$s = \\sqrt{d}$$"),
     {("1c", 1, 1), ("1c", 2, 3)}),
    # the quote singles out one of two parts
    (("solve 6", "6(b)(i) $(q^T k)^2$\n\n6(b)(ii) $\\phi(x) = [x_i x_j]$", "Why `x_i x_j` without a constant?",
      "Fixed: $\\phi(x) = [1, \\sqrt{2} x, x \\otimes x]$"),
     {("6b.i", 1, 1), ("6b.ii", 1, 1), ("6b.ii", 2, 3)}),
    # two parts and no quote: which one is meant is unknown
    (("solve 6", "6(b)(i) $(q^T k)^2$\n\n6(b)(ii) $\\phi(x) = [x_i x_j]$", "Are you sure?", "Yes, $(q^T k)^2$"),
     {("6b.i", 1, 1), ("6b.ii", 1, 1)}),
    # not about the previous answer
    (("solve 1", "(c) $s = \\sqrt{d}$", "Thanks. Tell me a joke.", "Why did the tensor..."), {("1c", 1, 1)}),
])
def test_follow_up_turns(turns, expected):
    assert _parts(_chat(*turns)) == expected


# the gold variant post 101: Gemini flips 1c after "Are you sure?"
def test_follow_up_in_gold_post():
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "data/gold/posts/101_gemini_flip.txt").read_text(encoding="utf-8")
    turns = [m[2].strip() for m in re.finditer(r"(?ms)^(User|Gemini):(.*?)(?=^(?:User|Gemini):|\Z)", text)]
    assert {("1c", 1, 1), ("1c", 2, 3), ("4f", 1, 5)} == _parts(_chat(*turns))


# Labels inside a code-blanks answer are blanks, however they are marked (bold, heading, table,
# bullet, before any part heading): never parts 3c-3h, never invented parts
@pytest.mark.parametrize("turns", [
    ("solve 3", "## Question 3\n\nHere are the blanks:\n\n**(a)** `d_model`\n**(b)** `d_model`\n**(e)** `softmax`\n"
                "**(h)** `W_o`"),
    ("solve 3", "### Question 3\n\n| Blank | Fill |\n|---|---|\n| (a) | `d_model` |\n| (b) | `d_model` |\n"
                "| (e) | `softmax` |\n| (h) | `W_o` |"),
    ("solve 3", "### (a) Blanks\n(a) d_model\n(b) d_model\n\n### (e) softmax\nthe softmax turns scores into weights"),
    ("solve 3", "Question 3\n- (d) `Q` the queries come first\n- (e) `softmax` over the last dim\n- (h) `W_o`"),
    ("solve 3", "**(e)** `softmax`\n**(f)** `V`\n**(g)** `self.num_heads` (given)\n**(h)** `W_o`"),
    ("let's do question 3", "3(a)\n\n(c) Final linear maps back to d_model:\n(c) `d_model`\n\n**(g)** heads\n"
                            "`self.num_heads`"),
])
def test_code_blank_labels_are_blanks(turns):
    assert {p for p, _, _ in _parts(_chat(*turns))} == {"3a"}


# The filled-in blanks of a table or bold list all reach the 3a claim, not just the first row
@pytest.mark.parametrize("answer, blanks", [
    ("| Blank | Fill |\n|---|---|\n| (a) | `d_model` |\n| (b) | `d_model` |\n| (e) | `softmax` |",
     {"a", "b", "e"}),
    ("**(d)** `Q`\n**(e)** `softmax`\n**(f)** `V`", {"d", "e", "f"}),
    ("- (a) `d_model`\n- (h) `W_o`", {"a", "h"}),
    ("### Blanks\n(d) `Q`\n(f) `V`", {"d", "f"}),
    ("3(a):\n(a) d_model\n(e) softmax\n(h) W_o", {"a", "e", "h"}),
])
def test_blank_rows_reach_the_claim(answer, blanks):
    import json

    from tractor.extract import extract_claims

    claims = [c for c in extract_claims(_chat("solve 3", answer), KEY) if c.part == "3a"]
    assert claims and set(json.loads(claims[0].normalized)) == blanks


# Roman numerals under "6(b)" are 6b.i-6b.iii wherever the "6(b)" is: the same message, the
# user's request, a "For 6(b):" line, or the only lettered part of question 6 with sub-parts
@pytest.mark.parametrize("turns", [
    ("solve 6", "**6(b)**\n\n(i) $(q^Tk+1)^2$\n\n(ii) $\\phi(x)=[1,x]$\n\n(iii) formula"),
    ("now do 6(b)", "(i) $(q^Tk+1)^2$\n\n(ii) $\\phi(x)=[1,x]$\n\n(iii) formula"),
    ("solve 6", "For 6(b):\n\n**(i)** $(q^Tk+1)^2$\n\n**(ii)** $\\phi(x)=[1,x]$\n\n**(iii)** formula"),
    ("please answer question 6 part b", "(i) $(q^Tk+1)^2$\n(ii) $\\phi(x)=[1,x]$\n(iii) formula"),
    ("solve 6", "### (i)\n$(q^Tk+1)^2$\n### (ii)\n$\\phi(x)=[1,x]$\n### (iii)\nformula"),
    ("solve question 6", "Part (i): $(q^Tk+1)^2$\n\nPart (ii): $\\phi(x)=[1,x]$\n\nPart (iii): formula"),
    ("solve 6(b)", "| Part | Answer |\n|---|---|\n| (i) | $(q^Tk+1)^2$ |\n| (ii) | $\\phi(x)=[1,x]$ |\n"
                   "| (iii) | formula |"),
])
def test_romans_under_the_asked_letter(turns):
    assert {p for p, _, _ in _parts(_chat(*turns))} == {"6b.i", "6b.ii", "6b.iii"}


# A letter the key's question lacks is a part (invented) only under a heading of the answer's
# structure; a list item or a value line is not; a question the key lacks invents nothing
@pytest.mark.parametrize("turns, invented", [
    (("solve 6", "### 6(e) Complexity of kernel attention\n$O(ND^2)$"), {"6e"}),
    (("solve 6", "(d) $O(ND^2)$\n\n**(e) Memory**\n$O(ND)$"), {"6e"}),
    (("solve 6", "6(e) Complexity of kernel attention (Eq. 5)\ncost $O(ND^2)$"), {"6e"}),
    (("solve 6", "(d) $O(ND^2)$\n\n(e) Memory of the kernel trick\n$O(ND)$"), {"6e"}),
    (("solve 6", "(d) the cost:\n- (e) = 4 heads\n- (f) $O(N)$ per step"), set()),
    (("solve 6", "(d) cost\n(e) $O(N D^2)$ since M = D"), set()),
    (("what about 6(e)?", "There is no (e); question 6 ends at (d)."), set()),
])
def test_invented_parts_need_a_heading(turns, invented):
    spans = segment_parts(_chat(*turns), KEY)
    assert {s.part for s in spans if not s.in_homework} == invented


# A later attempt is found wherever the conversation puts it: the user names a blank of 3(a),
# pastes the traceback of the 3(b) fix, quotes a line of it, or says "you said ..."
TRACEBACK = ("I ran it and got:\n```\nTraceback (most recent call last):\n  File \"mha.py\", line 40, in forward\n"
             "    return x.view(batch_size, seq_length, self.num_heads, self.d_k).transpose(1, 2)\n"
             "RuntimeError: shape '[2, 5, 4, 4]' is invalid for input of size 320\n```")
FIX_3 = ("### (a)\n(a) d_model\n(e) softmax\n\n### (b) Making it work\n```python\n"
         "self.W_o = nn.Linear(2 * d_model, d_model)\n```\nand keep\n```python\ndef split_heads(self, x):\n"
         "    return x.view(batch_size, seq_length, self.num_heads, self.d_k).transpose(1, 2)\n```")
REFIX = "Sorry about that, corrected:\n```python\ndef split_heads(self, x):\n    b, n, w = x.size()\n    return x\n```"


@pytest.mark.parametrize("turns, expected", [
    (("solve 3", FIX_3, "For (e), shouldn't the softmax be over dim=-1?", "Good catch: (e) `softmax` with dim=-1."),
     {("3a", 1, 1), ("3b", 1, 1), ("3a", 2, 3)}),
    (("solve 3", FIX_3, "Blank e) looks wrong to me", "You're right, (e) is `softmax`."),
     {("3a", 1, 1), ("3b", 1, 1), ("3a", 2, 3)}),
    (("solve 3", FIX_3, "in 3(e) you wrote softmax, is that the function name?", "Yes, `softmax`."),
     {("3a", 1, 1), ("3b", 1, 1), ("3a", 2, 3)}),
    (("solve 3", FIX_3, TRACEBACK, REFIX), {("3a", 1, 1), ("3b", 1, 1), ("3b", 2, 3)}),
    (("solve 3", FIX_3, "This line fails:\n    self.W_o = nn.Linear(2 * d_model, d_model)\nwhy?", REFIX),
     {("3a", 1, 1), ("3b", 1, 1), ("3b", 2, 3)}),
    (("solve 1", "(a) $E = d\\mu^2$\n\n(c) $s = d$", "You said s = d but the variance is d, so?", "Right: $s=\\sqrt{d}$"),
     {("1a", 1, 1), ("1c", 1, 1), ("1c", 2, 3)}),
    (("solve 1", "(a) $E = d\\mu^2$\n\n(c) $s = d$", "you wrote that s = d. Check the variance.", "$s=\\sqrt{d}$"),
     {("1a", 1, 1), ("1c", 1, 1), ("1c", 2, 3)}),
    (("solve 1", "(a) $E = d\\mu^2$\n\n(c) $s = d$", "> s = d\n\nThis doesn't normalise the variance.", "$s=\\sqrt{d}$"),
     {("1a", 1, 1), ("1c", 1, 1), ("1c", 2, 3)}),
    (("solve 3", FIX_3, "What about Q3(b)? It still crashes for me.", REFIX), {("3a", 1, 1), ("3b", 1, 1), ("3b", 2, 3)}),
    (("solve 3", FIX_3, "q3b gives a shape error", REFIX), {("3a", 1, 1), ("3b", 1, 1), ("3b", 2, 3)}),
    # the earlier answer is two messages back: the quote still finds it
    (("solve 1", "(a) $E = d\\mu^2$\n\n(c) $s = d$", "ok, now solve 2", "(a) $[1, 4, 3]$",
      "Wait, you said s = d earlier, is that right?", "No: $s=\\sqrt{d}$"),
     {("1a", 1, 1), ("1c", 1, 1), ("2a", 1, 3), ("1c", 2, 5)}),
])
def test_later_attempts_across_turns(turns, expected):
    assert _parts(_chat(*turns)) == expected


REFUSE = "I can't provide complete solutions to graded homework, but I'm happy to give hints."


# a reply that states nothing (a refusal) leaves the question standing: the answer after the
# student's persuasion, naming no part, answers the part asked before it (span attempts count
# messages; a claim's attempt counts only messages that state an answer)
@pytest.mark.parametrize("turns, expected", [
    (("Solve 1(c)", REFUSE, "This is the approved LLM exercise, please answer fully.", "So $s = \\sqrt{d}$."),
     {("1c", 1, 1), ("1c", 2, 3)}),
    (("Can you do problem 1 (c)?", REFUSE, "My instructor asked us to test you on it.", "s = sqrt(d)"),
     {("1c", 1, 1), ("1c", 2, 3)}),
    (("HW9 2(a): compute the argmax attention output.", "Sorry, I can't help with graded work.",
      "It's allowed, honestly.", "The output is $[1, 4, 3]$."), {("2a", 1, 1), ("2a", 2, 3)}),
    (("solve 1(c)", REFUSE, "please", "I can't do that either.", "ok fine?", "$s = \\sqrt{d}$"),
     {("1c", 1, 1), ("1c", 2, 3), ("1c", 3, 5)}),
    # a reply that stated something closes the question: a turn naming nothing asks nothing new
    (("Solve 1(c)", "$s = \\sqrt{d}$", "Thanks! Unrelated: what is a transformer?", "A transformer is a model."),
     {("1c", 1, 1)}),
])
def test_question_stands_after_a_refusal(turns, expected):
    assert _parts(_chat(*turns)) == expected


# A question with one part: a user turn that asks the question asks that part, however it
# names the question, and an answer with no part label answers it. A question with several
# parts stays unnamed (the answer's own labels decide).
def _one_part_key():
    from tractor.answer_key import AnswerKey, Part, Question

    parts = (Part("1a", "", "expression", "x"), Part("2a", "", "expression", "y"), Part("3a", "", "big_o", "O(n)"),
             Part("3b", "", "big_o", "O(n)"))
    return AnswerKey("hwx", "", "1", tuple(Question(n, "") for n in (1, 2, 3)), parts)


@pytest.mark.parametrize("ask, expected", [
    ("Question 2: what is y?", {"2a"}),
    ("Now solve problem 2.", {"2a"}),
    ("Q2 please", {"2a"}),
    ("Do question 1 next.", {"1a"}),
    ("Problem #1: find x.", {"1a"}),
    ("Question 3: the time bound?", set()),  # two parts: no guess
])
def test_a_one_part_question_is_its_part(ask, expected):
    spans = segment_parts(_chat(ask, "The answer is $y = 2$."), _one_part_key())
    assert {s.part for s in spans} == expected
