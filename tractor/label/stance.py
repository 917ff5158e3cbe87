"""``annotation_disagrees``: the student's note says a part was right (or wrong), the verifier not.

Each sentence of an annotation or of the summary gets

* a *scope* -- the parts it talks about: explicit references ("part (c)", "6(b)(ii)", "Q1c",
  "question 4") resolved against the question under discussion (the claims of the nearest model
  turn before the note, else after it), scope phrases ("the entire problem", "all parts") for
  every part of that question, and otherwise the scope of the previous sentence of the same note
  (unless that sentence already judged it: "6(b)(i) is correct. The feature map is wrong." does
  not make the second sentence about 6(b)(i));
* a *stance* -- right / wrong / neither, from the learned stance classifier (:mod:`.learned`),
  read from the note itself: its decoration (quote markers, emoji, emphasis, "[Annotation]",
  "My note:") removed, ticks and crosses read as words, and each clause (cells of a table row,
  the parts around a colon, dash or comma) judged too. Clauses that judge the part the opposite way
  leave the sentence undecided; a bracketed remark ("correct (longer than needed)") is heard only
  when the rest of the sentence judges nothing.

A note that names no part is about the answer it follows when that answer has one judged part.

A note that calls a group of parts right disagrees on each part none of whose attempts is
correct; one that calls a group wrong disagrees when every attempt of every part in it is
correct. Comparing against *any* attempt keeps a note written before a later correction (or
after it) from counting as a disagreement.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..answer_key import PART_LETTER, ROMAN as _ROMAN
from ..records import ASSISTANT, Claim, Label, Transcript
from .text import sentences

STANCE_THRESHOLD = 0.6
EVIDENCE_CHARS = 300
_PART_REFS = [
    # 6(b)(ii), 6b.ii, 6b, 1c, Q1c, 6 (e)
    re.compile(rf"(?<![\w.])(?:q|question|problem|prob\.?)?\s*(?P<q>\d{{1,2}})\s*[.-]?\s*\(?(?P<letter>[{PART_LETTER}])\)?"
               rf"(?:\s*(?:\.|\()(?P<roman>{_ROMAN})\)?)?(?![\w])", re.I),
    # (b)(i), (c)
    re.compile(rf"(?<![\w)])\((?P<letter>[{PART_LETTER}])\)(?:\s*\((?P<roman>{_ROMAN})\))?", re.I),
    # part c, parts b
    re.compile(rf"\bparts?\s+(?P<letter>[{PART_LETTER}])(?:\s*\.?\s*(?P<roman>{_ROMAN}))?\b(?![\w'])", re.I),
    # question 4, problem 6, Q3
    re.compile(rf"\b(?:question|problem|q)\s*(?P<q>\d{{1,2}})\b(?!\s*\(?[{PART_LETTER}]\b)", re.I),
]
_WHOLE_QUESTION = re.compile(r"\b(entire|whole|every|each|all (?:the )?)\s*(problem|question|part|subpart)s?\b"
                             r"|\ball (?:of )?(?:the |its )?(?:parts|subparts|answers)\b", re.I)


# Problem 1, part c / Question 2 (b): a question followed by its letter is one reference
_QUESTION_THEN_PART = re.compile(r"\b(?:question|problem|q)\s*(?P<q>\d{1,2})\s*,?\s*(?:part|subpart)?\s*"
                                 rf"\(?(?P<letter>[{PART_LETTER}])\)(?![\w])|\b(?:question|problem|q)\s*(?P<q2>\d{{1,2}})\s*,\s*"
                                 rf"(?:part|subpart)\s+(?P<letter2>[{PART_LETTER}])\b", re.I)
_MARKS = str.maketrans({"✅": " correct ", "✔": " correct ", "✓": " correct ", "☑": " correct ",
                        "❌": " wrong ", "✗": " wrong ", "✘": " wrong ", "❎": " wrong "})
_TAG = re.compile(r"^\s*(?:\[[^\]]{1,24}\]|(?:my\s+|student(?:'s)?\s+)?(?:note|comment|annotation|remark)s?\s*:)\s*",
                  re.I)
_EMPHASIS = re.compile(r"(?<![\w*])[*_]+|[*_]+(?![\w*])")
_CLAUSE_BREAK = re.compile(r"\s*(?:[|;:—–]|\s-\s|,\s)\s*")
_REMARK = re.compile(r"\(([^()]*\s[^()]*)\)")  # a bracketed remark has words: not "(c)" or "sqrt(d)"


def plain(sentence: str) -> str:
    """A note sentence without its decoration: quote markers, bullets, emoji, emphasis, a
    leading "[Annotation]" or "My note:", table pipes at the ends; ticks and crosses as words."""
    text = sentence.translate(_MARKS)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("So", "Sk", "Cf", "Cs", "Mn"))
    text = _EMPHASIS.sub(" ", text)
    text = re.sub(r"^[\s>•\-|]+|[\s|]+$", "", text)
    while (m := _TAG.match(text)):
        text = text[m.end():]
    return re.sub(r"\s+", " ", text).strip()


def _readings(sentence: str) -> tuple[list[str], list[str]]:
    """What the classifier reads of a plain sentence: the sentence and its clauses with bracketed
    remarks taken out, and the remarks on their own."""
    remarks = [m.strip() for m in _REMARK.findall(sentence) if m.strip()]
    main = re.sub(r"\s+", " ", _REMARK.sub(" ", sentence)).strip()
    clauses = [c for c in _CLAUSE_BREAK.split(main) if len(c) > 2]
    return list(dict.fromkeys([main, *clauses] if len(clauses) > 1 else [main])), remarks


def _stance(main: list[dict], remarks: list[dict]) -> tuple[str, float]:
    """One stance from the readings: the judging clauses agree, or nothing is said."""
    for readings in (main, remarks):
        judging = {}
        for p in readings:
            label, prob = max(p.items(), key=lambda kv: kv[1])
            if label != "neither" and prob >= STANCE_THRESHOLD:
                judging[label] = max(prob, judging.get(label, 0.0))
        if len(judging) == 1:
            return next(iter(judging.items()))
        if judging:
            return "neither", 1.0
    return "neither", 1.0


@dataclass(frozen=True)
class Ref:
    question: str  # "" when the text gives only a letter
    letter: str
    roman: str

    def matches(self, part: str, question: str) -> bool:
        q = self.question or question
        prefix = f"{q}{self.letter}" + (f".{self.roman}" if self.roman else "")
        return part == prefix or part.startswith(prefix + ".") or (not self.letter and _question(part) == q)


def part_refs(sentence: str) -> list[Ref]:
    """Every part reference in a sentence, in order of appearance."""
    found, taken = [], []
    for m in _QUESTION_THEN_PART.finditer(sentence):
        found.append((m.start(), Ref(m["q"] or m["q2"], (m["letter"] or m["letter2"]).lower(), "")))
        taken.append(range(m.start(), m.end()))
    for pattern in _PART_REFS:
        for m in pattern.finditer(sentence):
            if any(m.start() in r for r in taken):
                continue
            g = m.groupdict()
            found.append((m.start(), Ref(g.get("q") or "", (g.get("letter") or "").lower(),
                                         (g.get("roman") or "").lower())))
    return [ref for _, ref in sorted(found, key=lambda x: x[0])]


def _question(part: str) -> str:
    return re.match(r"\d*", part)[0]


def disagreement_labels(transcript: Transcript, claims: list[Claim]) -> list[Label]:
    from .learned import predict

    judged = [c for c in claims if c.in_homework and c.verdict in ("correct", "incorrect")]
    if not judged:
        return []
    notes = [(a.text, a.after_message) for a in transcript.annotations]
    if transcript.summary.strip():
        notes.append((transcript.summary, None))
    said_per_note = [[plain(s) for s in sentences(text)] for text, _ in notes]
    readings = [_readings(s) for said in said_per_note for s in said]
    flat = iter(predict("stance", [r for main, remarks in readings for r in (*main, *remarks)]))  # one call
    stances = iter([_stance([next(flat) for _ in main], [next(flat) for _ in remarks]) for main, remarks in readings])
    labels = {}
    for (_, after), said in zip(notes, said_per_note):
        context, follows = _context_parts(transcript, judged, after)
        inherited: list[str] = context if follows and len(context) == 1 else []
        for sentence in said:
            label, p = next(stances)
            named = _scope(sentence, context, judged, after is None)
            scope = inherited if named is None else named
            judging = label != "neither"
            # "For part (c), it reasoned ... / This matches the solution": a sentence that sets a
            # scope without judging it hands the scope on; one that judges closes it.
            inherited = [] if judging else scope
            if not judging or not scope:
                continue
            for part, claim in _disagreements(label, scope, judged):
                evidence = sentence if len(sentence) <= EVIDENCE_CHARS else sentence[:EVIDENCE_CHARS - 1] + "…"
                labels.setdefault(part, Label(transcript.transcript_id, part, "annotation_disagrees",
                                              claim.message_index, f"note says {label}: {evidence}", "model",
                                              round(p, 3)))
    return list(labels.values())


def _context_parts(transcript: Transcript, judged: list[Claim], after: int | None) -> tuple[list[str], bool]:
    """Parts claimed in the nearest model turn with claims before the note, else after it, and
    whether that turn is before the note (the answer the note follows)."""
    if after is None:
        return [], False
    by_message: dict[int, list[str]] = {}
    for c in judged:
        if 0 <= c.message_index < len(transcript.messages) and transcript.messages[c.message_index].role == ASSISTANT:
            by_message.setdefault(c.message_index, []).append(c.part)
    before = [i for i in sorted(by_message) if i <= after]
    later = [i for i in sorted(by_message) if i > after]
    nearest = before[-1:] or later[:1]
    return (sorted(set(by_message[nearest[0]])), bool(before)) if nearest else ([], False)


def _scope(sentence: str, context: list[str], judged: list[Claim], summary: bool) -> list[str] | None:
    """The judged parts a sentence is about; None when it names none (the caller then keeps the
    previous sentence's scope), [] when it names parts the verifier did not judge."""
    refs = part_refs(sentence)
    all_parts = sorted({c.part for c in judged})
    if summary:  # a summary has no position: only references with a question number count
        return sorted({p for r in refs if r.question for p in all_parts if r.matches(p, "")})
    questions = {_question(p) for p in context}
    question = questions.pop() if len(questions) == 1 else ""
    if refs:
        return sorted({p for r in refs for p in all_parts if (r.question or question) and r.matches(p, question)})
    if _WHOLE_QUESTION.search(sentence):
        return sorted(p for p in all_parts if question and _question(p) == question)
    return None


def _disagreements(stance: str, scope: list[str], judged: list[Claim]) -> list[tuple[str, Claim]]:
    verdicts = {p: [c for c in judged if c.part == p] for p in scope}
    verdicts = {p: cs for p, cs in verdicts.items() if cs}
    if stance == "right":
        return [(p, cs[0]) for p, cs in verdicts.items() if all(c.verdict == "incorrect" for c in cs)]
    if verdicts and all(c.verdict == "correct" for cs in verdicts.values() for c in cs):
        part = scope[0] if len(scope) == 1 else _common_prefix(scope)
        return [(part, next(iter(verdicts.values()))[0])]
    return []


def _common_prefix(parts: list[str]) -> str:
    prefix = parts[0]
    for p in parts[1:]:
        while not p.startswith(prefix):
            prefix = prefix[:-1]
    return prefix.rstrip(".")

