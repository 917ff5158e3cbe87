"""Part segmentation: which homework part each stretch of an assistant message answers.

A part starts at a line that begins with a label (a heading, a bold label, a plain or bulleted
line, a table row whose first cell is a label or a letter alias such as "A" for "(a) What is A?"),
or at a line that names a qualified part and ends with ":" or "?" ("Final answer for 6(b)(ii):").
Bare letters take their question from the conversation: a "Problem 6" heading, a question title
from the key, the user's "now solve 2" / "next question", the previous answer, and as a last
resort the key question whose parts cover the letters written. Text before the first label goes
to the parts the user asked about ("for g) just to confirm..."); a user turn that names no part
but challenges, quotes or pastes back an earlier answer ("Are you sure? I thought ...", "you
said s = d", a traceback of its code) asks about the part that answer was about (see
:func:`follow_up_part`); one that names nothing after a reply that stated nothing (a refusal,
then "this is the approved exercise") still asks what the user asked before. Labels before a "Solution" heading are the problem restated, not
answered. The key decides what a letter is: a letter the key's question has is that part; a
code blank's letter (the keys of a code-blanks part's reference) is a blank of that part,
however it is marked, from the model or the user; a roman numeral is a sub-part of the letter
above it or asked about ("6(b)" then "(i)" is 6b.i); any other letter is a part the key lacks
(an invented sub-part) only when written as a heading of the answer's structure. Every later
message answering a part is a new attempt.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .. import kinds
from ..answer_key import PART_LETTER, ROMAN as _ROMAN, ROMANS, AnswerKey, parse_part_id
from ..records import ASSISTANT, USER, Transcript
from .code import blank_value
from .labels import Label, find_labels, part_id, read_label

# "Solution" on a line of its own: marked as a heading, or followed by a blank line (a bare
# "answer" line between two lines of wrapped PDF prose is not a heading).
_SOLUTION_HEADING = re.compile(r"(?im)^(?:[ \t>]*(?:#+|\*\*|__)[ \t]*(?:solutions?|answers?)[ \t*_:.]*$"
                               r"|[ \t>]*(?:solutions?|answers?)[ \t*_:.]*\n[ \t]*(?:\n|\Z))")
_QUESTION_REF = re.compile(r"(?i)(?<!skip )(?<!skipping )(?<!skip over )(?<!except )"
                           r"\b(?:question|problem|q|solve|do)\s*#?\s*(\d{1,2})\b")
_NEXT_QUESTION = re.compile(r"(?i)\bnext\s+(?:question|problem)\b|\bmove\s+on\b|\bproceed\b")
_USER_PART = re.compile(rf"(?i:\bpart)\s*\(?([{PART_LETTER}])\)?(?:\s*\(?({_ROMAN})\)?)?(?![a-z])"
                        rf"|(?<![\w(])\(([{PART_LETTER}])\)(?:\s*\(({_ROMAN})\))?"
                        rf"|(?<!\S)([{PART_LETTER}])({_ROMAN})?\)")
# a reply with no formula, equation or code answered nothing (a refusal, an offer of hints)
_STATES_SOMETHING = re.compile(r"[=≈$√∑]|```|\\[(\[]|\bO\(")
_MAX_TARGETS = 3  # a user message naming more parts is quoting the problem, not asking about parts
_ALIAS = re.compile(rf"\(([{PART_LETTER}])\)\s*(?:What|Which)\s+is\s+([A-Z])\b")
_HEADING_QUESTION = re.compile(r"(?i)\b(?:question|problem)\s*(\d{1,2})\b")
_LEAD = re.compile(r"^[\s>#*_\-•+]+")
# a user turn that questions or refers to the answer it follows
_FOLLOW_UP = re.compile(
    r"(?i)\b(?:are\s+you\s+(?:sure|certain)|(?:is|was)\s+(?:that|this|it)\s+(?:right|correct|true)"
    r"|double[-\s]?check|check\s+(?:it|this|that|again)|I\s+(?:thought|think|believe|got)"
    r"|shouldn'?t\s+(?:it|that|this)|you\s+(?:said|say|wrote|describe[sd]?|mention(?:ed)?|claim(?:ed)?|gave|got|stated?)"
    r"|your\s+(?:answer|solution|result|derivation|reasoning)|how\s+come|(?:that'?s|is)\s+(?:wrong|incorrect|not\s+right)"
    r"|reconsider|mistake)\b")
_QUOTED = re.compile(r"[\"“”]([^\"“”\n]{3,})[\"“”]|`([^`\n]{3,})`|\$([^$\n]{3,})\$")
# "you said s = d, but ...": the statement quoted back, to the end of its clause
_YOU_SAID = re.compile(r"(?i)\byou\s+(?:said|wrote|claimed|stated|gave|got|had)\s+(?:that\s+)?"
                       r"((?:(?!\s(?:but|and|which|while|though|although|whereas|yet|so|because|since"
                       r"|earlier|before|above|previously|in)\b)"
                       r"[^.?!;,\n]){3,80})")
# a pasted error from running an answer's code
_ERROR_PASTE = re.compile(r"Traceback \(most recent call last\)|^\s*\w*(?:Error|Exception):", re.M)
# a line of code or of a traceback: an assignment, a call, a def/return (not an English sentence)
_CODE_LINE = re.compile(r"^\s*(?:def |return |class |self\.|[\w.]+\s*=\s*\S|[\w.]+\([^)]*\)\s*$)")
_TRACEBACK_FRAME = re.compile(r'File "')


@dataclass(frozen=True)
class PartSpan:
    """A stretch ``[start, end)`` of message ``message_index`` answering ``part``."""

    part: str
    in_homework: bool
    attempt: int
    message_index: int
    start: int
    end: int
    text: str
    label: str  # the label as written; "" when the part came from the user's question
    table_row: bool = False


@dataclass
class _Context:
    question: int | None = None
    letter: str = ""
    part: str = ""
    targets: list[str] = field(default_factory=list)
    invented: set[str] = field(default_factory=set)  # parts the key lacks that the model gave a heading


def segment_parts(transcript: Transcript, key: AnswerKey | None) -> list[PartSpan]:
    """Spans of every assistant message, with part ids and attempt numbers (1 = first answer)."""
    aliases = {upper: lower for m in transcript.messages for lower, upper in _ALIAS.findall(m.content)}
    ctx, spans, answered = _Context(), [], True
    for index, message in enumerate(transcript.messages):
        if message.role == USER:
            asked = ctx.targets
            if not _read_user(message.content, ctx, key):
                if part := follow_up_part(message.content, spans, key):
                    ctx.targets = [part]
                elif not answered:  # the last reply stated nothing (a refusal): the question still stands
                    ctx.targets = asked
        elif message.role == ASSISTANT:
            answered = bool(_STATES_SOMETHING.search(message.content))
            spans.extend(_segment_message(message.content, index, ctx, key, aliases))
    return number_attempts(spans)


def follow_up_part(text: str, earlier: list[PartSpan], key: AnswerKey | None = None) -> str | None:
    """The part a user turn that names none asks about, when it questions, quotes or pastes
    something back from an earlier answer: what it quotes ("you said s = d", `x_i x_j`, a line
    of code or of a traceback) found in the text of exactly one part, the latest answer's first;
    else, when it questions the answer before it ("Are you sure? I thought it should be d") or
    pastes an error from running it, the only part (the only code part, for an error) that answer
    gave. None when the turn is not about an earlier answer or the part is ambiguous."""
    quotes = [_compact(q) for q in _quotes(text)]
    messages = sorted({s.message_index for s in earlier}, reverse=True)
    for index in messages if quotes else ():
        spans = [(s.part, _compact(s.text)) for s in earlier if s.message_index == index]
        quoted = list(dict.fromkeys(part for part, said in spans for q in quotes if q in said))
        if len(quoted) == 1:
            return quoted[0]
        if len(quoted) > 1:
            return None
    previous = [s for s in earlier if messages and s.message_index == messages[0]]
    parts = list(dict.fromkeys(s.part for s in previous))
    if _ERROR_PASTE.search(text) and key is not None:
        code = [p for p in parts if (kp := key.part(p)) is not None and kinds.get(kp.kind).code]
        if len(code) == 1:
            return code[0]
    if len(parts) == 1 and (_FOLLOW_UP.search(text) or _ERROR_PASTE.search(text)):
        return parts[0]
    return None


def _quotes(text: str) -> list[str]:
    """What a user turn quotes back: quoted or backticked or $-delimited spans, what follows
    "you said", a "> " quote block, and the lines of a pasted code block or traceback."""
    found = [next(g for g in m.groups() if g) for m in _QUOTED.finditer(text)]
    found += [m[1] for m in _YOU_SAID.finditer(text)]
    found += [line.lstrip("> ").strip() for line in text.split("\n") if line.startswith(">")]
    found += [line.strip() for line in text.split("\n")
              if _CODE_LINE.search(line) and not _TRACEBACK_FRAME.match(line.strip())]
    return [q for q in found if len(_compact(q)) >= 3]


def _compact(text: str) -> str:
    """Text compared without spacing, math delimiters and markup: "s = \\sqrt{d}" ~ "$s=\\sqrt{d}$"."""
    return re.sub(r"[\s$`*]|\\[,;!: ]", "", text)


def number_attempts(spans: list[PartSpan]) -> list[PartSpan]:
    """Attempt n of a part = the n-th message (in order) with a span on that part."""
    seen: dict[str, list[int]] = {}
    out = []
    for span in sorted(spans, key=lambda s: (s.message_index, s.start)):
        messages = seen.setdefault(span.part, [])
        if span.message_index not in messages:
            messages.append(span.message_index)
        out.append(_replace(span, attempt=messages.index(span.message_index) + 1))
    return out


def _replace(span: PartSpan, **changes) -> PartSpan:
    return PartSpan(**{**span.__dict__, **changes})


def _read_user(text: str, ctx: _Context, key: AnswerKey | None) -> bool:
    """The question and parts the user asks about next; False when the turn names none."""
    refs = [int(n) for n in _QUESTION_REF.findall(text)]
    qualified = find_labels(text)
    if qualified:
        ctx.question = qualified[-1].question
    elif refs:
        ctx.question = refs[-1]
    elif _NEXT_QUESTION.search(text) and key and ctx.question is not None:
        later = [q.number for q in key.questions if q.number > ctx.question and not q.coding]
        ctx.question = min(later, default=ctx.question)
    targets = [part_id(lab.question, lab.letter, lab.roman) for lab in qualified]
    if ctx.question is not None:
        for m in _USER_PART.finditer(text):
            letter, roman = (m[1], m[2]) if m[1] else (m[3], m[4]) if m[3] else (m[5], m[6])
            targets.append(part_id(ctx.question, letter.lower(), (roman or "").lower()))
    if not targets and refs and key is not None:  # a question with one part: asking it asks that part
        only = [p.id for p in key.parts if p.question == ctx.question]
        targets = only if len(only) == 1 else []
    ctx.targets = list(dict.fromkeys(t for t in (_user_target(t, ctx, key) for t in targets) if t))
    return bool(refs or qualified or targets or _NEXT_QUESTION.search(text) or _USER_PART.search(text))


def _user_target(pid: str, ctx: _Context, key: AnswerKey | None) -> str | None:
    """What a part the user names is: a key part (or a heading over key parts); a blank's label
    ("for (e), shouldn't it be ...") is the code-blanks part; a part the model itself gave under
    a heading stays that part. Anything else names no part: the user's slip invents nothing."""
    if key is None or _in_key(pid, key) or _has_children(pid, key) or pid in ctx.invented:
        return pid
    parsed = parse_part_id(pid)
    blanks = _blanks_part(parsed[0], parsed[1], key) if parsed and not parsed[2] else None
    return blanks.id if blanks else None


def _segment_message(text: str, index: int, ctx: _Context, key: AnswerKey | None,
                     aliases: dict[str, str]) -> list[PartSpan]:
    solution = _SOLUTION_HEADING.search(text)
    answer_from = solution.end() if solution and text.count("\n", 0, solution.start()) > 2 else 0
    ctx.letter = ""
    starts: list[tuple[int, int, str, str, bool]] = []  # start, end (-1: to next), part, label, row
    pending: list[tuple[int, int, Label, str, bool]] = []
    in_fence, previous = False, ""
    for m in re.finditer(r"[^\n]*\n?", text):
        line, pos = m[0].rstrip("\n"), m.start()
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence or not line.strip():
            continue
        _note_question(line, ctx, key)
        found = _line_label(line, aliases, ctx, key)
        closes_previous = _open_parens(previous) > 0 and re.match(r"\s*[a-z]{1,4}\)", line)
        previous = line
        if found is None or pos < answer_from or closes_previous:
            continue  # "(i ≠" / "j) twice ...": a wrapped table cell, not part j
        label, raw, row = found
        if label.is_range:
            ctx.question = label.question or ctx.question
            continue
        end = m.end() if row else -1
        question = label.question or ctx.question
        if question is None:
            pending.append((pos, end, label, raw, row, line))
            continue
        if (pid := _place(label, question, line, ctx, key)) is not None:
            starts.append((pos, -1 if _is_blanks(pid, key) else end, pid, raw, row))
    if pending:
        question = _infer_question({lab.letter for _, _, lab, _, _, _ in pending}, text, key)
        if question is not None:
            ctx.question = question
            for p, e, lab, raw, row, line in pending:
                if (pid := _place(lab, question, line, ctx, key)) is not None:
                    starts.append((p, -1 if _is_blanks(pid, key) else e, pid, raw, row))
            starts.sort()
    return _spans(text, index, starts, ctx, key)


def _place(label: Label, question: int, line: str, ctx: _Context, key: AnswerKey | None) -> str | None:
    """The part a label line starts, or None when the line starts none: a code blank's label
    inside that code's answer, or a letter the key's question lacks written as a list item
    rather than a heading. A blank's label outside its code's answer starts that answer."""
    pid, letter = _resolve(label, question, ctx, key)
    if key is None or _in_key(pid, key) or _has_children(pid, key) or not letter:
        ctx.question, ctx.letter, ctx.part = question, letter, pid
        return pid
    blanks = None if label.roman else _blanks_part(question, label.letter, key)
    if blanks is not None:
        if ctx.part == blanks.id:
            return None
        ctx.question, ctx.letter, ctx.part = question, "", blanks.id
        return blanks.id
    if not _structural(line, label):
        return None
    if key.question(question) is not None:
        ctx.invented.add(pid)
    ctx.question, ctx.letter, ctx.part = question, letter, pid
    return pid


def _structural(line: str, label: Label) -> bool:
    """The label is a heading of the answer's structure: marked as a heading or bold, written
    with its question number or a keyword ("6(e) Complexity", "Part (e)"), or alone on its line
    or before a short title -- not a list item that states a value ("(e) softmax", "e) = 4")."""
    stripped = line.strip()
    if stripped.startswith(("#", "**", "__")) or label.qualified or label.keyword:
        return True
    rest = _LEAD.sub("", line)[label.end:].strip(" *_:.—–-")
    return not rest or (len(rest.split()) <= 8 and not re.search(r"[$=`\\(\[{\d|]", rest)
                        and rest[:1].isupper())


def _blanks_part(question: int, letter: str, key: AnswerKey | None):
    """The question's code-blanks part when ``letter`` names one of its blanks (the letters of
    the key's reference object), else None."""
    if key is None or not letter:
        return None
    for part in key.parts:
        if kinds.get(part.kind).blanks and part.question == question and letter in _blank_letters(part.reference):
            return part
    return None


def _blank_letters(reference: str) -> set[str]:
    try:
        value = json.loads(reference)
    except ValueError:
        return set()
    return set(value) if isinstance(value, dict) else set()


def _is_blanks(pid: str, key: AnswerKey | None) -> bool:
    part = key.part(pid) if key else None
    return bool(part and kinds.get(part.kind).blanks)


def _spans(text, index, starts, ctx, key) -> list[PartSpan]:
    spans = []
    first = starts[0][0] if starts else len(text)
    if text[:first].strip() and len(ctx.targets) <= _MAX_TARGETS:
        for target in ctx.targets:
            if not _is_parent(target, key):
                spans.append(PartSpan(target, _in_key(target, key), 0, index, 0, first, text[:first], ""))
    for i, (pos, end, pid, raw, row) in enumerate(starts):
        stop = end if end >= 0 else (starts[i + 1][0] if i + 1 < len(starts) else len(text))
        if not _is_parent(pid, key):
            spans.append(PartSpan(pid, _in_key(pid, key), 0, index, pos, stop, text[pos:stop], raw, row))
    if spans:
        ctx.part = spans[-1].part
    return spans


def _line_label(line: str, aliases: dict[str, str], ctx: _Context,
                key: AnswerKey | None) -> tuple[Label, str, bool] | None:
    """The part label that starts this line, if the line starts a part."""
    stripped = line.strip()
    if stripped.startswith("|") or "\t" in stripped:
        cells = [c for c in re.split(r"\||\t", stripped) if c.strip()]
        if not cells or set(stripped) <= set("|-: \t"):
            return None
        first = re.sub(r"</?code>|[`*]", "", cells[0]).strip()
        if first in aliases:
            return Label(None, aliases[first], "", False, False, len(first)), first, True
        label = read_label(first)
        if label and label.end >= len(first) and not _is_blank_row(label, ctx, key):
            return label, first, True
        return None
    body = _LEAD.sub("", line)
    if (alias := _alias_row(body, aliases)) is not None:
        return alias, body.split()[0], False
    label = read_label(body)
    heading = stripped.startswith("#") or stripped.startswith("**")
    if label and not (label.question is None and not label.letter and not label.roman):
        if (label.letter and not label.qualified and _is_blank_row(label, ctx, key)
                and ((blank_value(body[label.end:]) and not stripped.startswith("#"))
                     or (not heading and (stripped.endswith(":") or not _names_key_part(label, ctx, key))))):
            # a PDF drops the "#" of "(b) Making it work": a line naming a key part is that part
            # unless it states a blank's code ("**(b)** `d_model`") or introduces it ("(b) The
            # input of W_v is:")
            return None
        return label, body[:label.end].strip(), False
    if re.search(r"[:?]\s*[*_]*\s*$", stripped):
        labels = {(lab.question, lab.letter, lab.roman) for lab in find_labels(stripped)}
        if len(labels) == 1:
            q, letter, roman = labels.pop()
            return Label(q, letter, roman, False, False, 0), part_id(q, letter, roman), False
    return None


def _open_parens(line: str) -> int:
    return line.count("(") - line.count(")")


def _alias_row(body: str, aliases: dict[str, str]) -> Label | None:
    """A table row a PDF printed without its cell borders: the alias, then an option
    ("A [h, d, q] we still learn ...", "C torch.einsum(..."), not a sentence ("A transformer")."""
    m = re.match(r"([A-Z])\s+(?=[\[(]|[\w.]+\()", body)
    if m and m[1] in aliases:
        return Label(None, aliases[m[1]], "", False, False, 1)
    return None


def _names_key_part(label: Label, ctx: _Context, key: AnswerKey | None) -> bool:
    question = label.question or ctx.question
    return question is not None and _in_key(part_id(question, label.letter, label.roman), key)


def _is_blank_row(label: Label, ctx: _Context, key: AnswerKey | None) -> bool:
    """Inside a code-blanks part, an unqualified "(b)" names a blank, not part b."""
    part = key.part(ctx.part) if key and ctx.part else None
    return bool(part and kinds.get(part.kind).blanks and not label.keyword and label.question is None)


def _resolve(label: Label, question: int, ctx: _Context, key: AnswerKey | None) -> tuple[str, str]:
    """(part id, its letter) of a label in ``question``. A roman numeral without a letter is
    a sub-part of the letter above it ("(i)" under "(b)" is 6b.i, not part 6i), else of the
    letter the user asked about ("now do 6(b)"), else of the question's only letter with
    sub-parts in the key."""
    letter, roman = label.letter, label.roman
    if letter in ROMANS and not roman and label.question is None and not _in_key(part_id(question, letter), key):
        parent = _parent_letter(question, ctx, key)
        if parent:
            letter, roman = parent, letter
    if roman and not letter:
        letter = _parent_letter(question, ctx, key) or ctx.letter
    return (part_id(question, letter, roman) if letter else str(question)), letter


def _parent_letter(question: int, ctx: _Context, key: AnswerKey | None) -> str:
    if ctx.letter and _has_children(part_id(question, ctx.letter), key):
        return ctx.letter
    parents = [p for p in dict.fromkeys(_letter_of(p.id) for p in (key.parts if key else ()) if p.question == question
                                        and "." in p.id) if p]
    asked = [p for p in parents if any(_letter_of(t) == p and t.startswith(str(question)) for t in ctx.targets)]
    if len(asked) == 1:
        return asked[0]
    return parents[0] if len(parents) == 1 else ""


def _letter_of(pid: str) -> str:
    parsed = parse_part_id(pid)
    return parsed[1] if parsed else ""


def _note_question(line: str, ctx: _Context, key: AnswerKey | None) -> None:
    """A "Problem 6" heading or a question's title sets the question of bare letters."""
    stripped = line.strip()
    if stripped.startswith("#") or len(stripped) < 90:
        if (m := _HEADING_QUESTION.search(stripped)) and (stripped.startswith("#") or m.start() < 30):
            ctx.question = int(m[1])
            return
        if key:
            plain = _words(stripped)
            for q in key.questions:
                if q.title and _words(q.title) and _words(q.title) in plain:
                    ctx.question = q.number
                    return


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("-", "")))


def _infer_question(letters: set[str], text: str, key: AnswerKey | None) -> int | None:
    """The key question whose parts cover ``letters``: the only one, or the one whose phrasings
    the text quotes most; None when that does not single one out."""
    if key is None:
        return None
    lower = text.lower()
    covering = []
    for q in key.questions:
        have = {_letter_of(p.id) for p in key.parts if p.question == q.number}
        if letters <= have:
            covering.append((sum(ph.lower() in lower for ph in q.phrasings), q.number))
    if len(covering) == 1:
        return covering[0][1]
    covering.sort(reverse=True)
    if covering and covering[0][0] > 0 and (len(covering) == 1 or covering[0][0] > covering[1][0]):
        return covering[0][1]
    return None


def _in_key(pid: str, key: AnswerKey | None) -> bool:
    return bool(key and key.part(pid))


def _has_children(pid: str, key: AnswerKey | None) -> bool:
    parsed = parse_part_id(pid)
    return bool(key and parsed and not parsed[2]
                and any((parse_part_id(p.id) or (0, "", ""))[:2] == parsed[:2] and "." in p.id for p in key.parts))


def _is_parent(pid: str, key: AnswerKey | None) -> bool:
    """"6b" when the key has 6b.i..: a heading over subparts, not an answer; a bare "6" likewise."""
    return _has_children(pid, key) or pid.isdigit()
