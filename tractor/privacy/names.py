"""Student names found by where they stand in a post, not by a list of names.

A post names its author in a handful of places whatever its format: the title block (the lines
before the conversation starts), a field ("Name:", "Submitted by"), beside their e-mail or
student ID, in LaTeX's ``\\author{}``, in a signature at the end, in the file name. Each finder
reads one of these places and hands back the name with the kind of place it stood in; the
scrubber then replaces that name everywhere in the post.

A name is 1-4 capitalised words (hyphens, apostrophes, accents, initials, particles such as
"van der" or "de la"). Outside a labelled field, it must also survive :mod:`.vocabulary`: none of
its words may be furniture, a model, a title or a function word, and not (nearly) all of them
may be words the post writes in lower case. Cited authors ("Vaswani et al.", "Shazeer (2019)")
are never in one of these places, so they stay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from .patterns import ALNUM_ID, DIGIT_ID
from .vocabulary import PARTICLES, TITLES, PostWords, function_words, homework_words, model_words, not_name_words


@dataclass(frozen=True)
class Found:
    name: str  # the name's words in "First Last" order
    kind: str  # where it stood: "title block", "field", "LaTeX author", ...


# LaTeX and markdown that may wrap a name: line breaks and separators become a bar (they part
# names), other commands, braces and emphasis vanish.
_LATEX_BREAK = re.compile(r"\\\\|\\(?:and|AND|quad|qquad|hfill|newline|par)\b")
_MARKUP = re.compile(r"\\[A-Za-z]+\*?|[{}*_`#>]")
_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_INITIAL = re.compile(r"[^\W\d_]\.?")
# Parts of a line that hold one thing each: "A01234567 – Jane Doe – AI log".
_SEGMENTS = re.compile(r"\s+[-–—|·•/]+\s+|\s*[|·•()\[\]<>;:]\s*|,\s+|\t|\s{3,}")
_SEGMENT_END = re.compile(r"\s+[-–—|·•/]\s+|[,;:|(<\[·•]|\s{2,}|\t")
# A line where the conversation starts: the title block is over.
_TURN_START = re.compile(
    r"^(?:you said|chatgpt said|i said|you|user|me|human|assistant|prompt|question|answer|response|q\d*|"
    r"chatgpt|claude|gemini|grok|copilot|model|ai|bot)\s*[:：]", re.IGNORECASE)
_TITLE_BLOCK_LINES = 8
_LIST_ITEM = re.compile(r"^(?:[•\-–]|\d+[.)])\s")
_SIGNATURE_LINES = 6
# Fields: a label and a colon at the start of a line; "... by" anywhere; "By" opening a line.
_LABEL = (r"(?:(?:student|full|your|author|first\s+and\s+last)['’]?s?\s+)?names?|student|authors?|"
          r"(?:submitted|posted|written|prepared|created|shared|uploaded)\s+by|signed")
_FIELD = re.compile(rf"^\s*(?:[-•]\s*)?(?:{_LABEL})\s*(?:[:：]|\s[-–—]\s)\s*(?P<value>.+)$", re.IGNORECASE)
_AUTHORED = re.compile(r"\b(?:submitted|posted|written|prepared|created|shared|uploaded|authored|compiled)"
                       r"\s+by\s*[:：\-–]?\s*(?P<value>.+)$", re.IGNORECASE)
# After "... by NAME" within a sentence, the name must end the clause ("shared by SAP ASE and
# MS SQL" names no author): the line ends, punctuation, or "on <date>", "at", "in", "for".
_AUTHORED_TAIL = re.compile(r"\s*(?:$|[,.;:(|·•–—\-]|(?:on|at|in|for)\b)", re.IGNORECASE)
_LINE_BY = re.compile(r"^\s*by\s+(?P<value>.+)$", re.IGNORECASE)
_FIELD_HINT = re.compile(r"\b(?:names?|student|authors?|by|signed)\b", re.IGNORECASE)
_LAST_FIRST = re.compile(r"^([^\s,]+),\s*([^\s,]+(?:\s+[^\s,]+)?)\s*(?:$|[|(<\[·•–—;]|\s-\s)")
# LaTeX: \author{...}, and a template's own macro for the name (\newcommand{\studentname}{...}).
_LATEX_AUTHOR = re.compile(
    r"\\(?:author|name|student|studentname)\s*(?:\[[^\]]*\])?\s*\{"
    r"|\\(?:newcommand|renewcommand|providecommand|def)\s*\{?\\\w*(?:name|author|student)\w*\}?\s*(?:\[\d\])?\s*\{")
_LATEX_THANKS = re.compile(r"\\thanks\s*\{[^{}]*\}")
# Beside an identifier: what may stand between a name and its e-mail or ID.
_BEFORE_IDENTIFIER = re.compile(
    r"(?:[\s(<\[,:;|·•–—\-]|\b(?:sid|student\s*(?:id|number)|id|e-?mail|mail|no\.?|number|link)\b)*$", re.IGNORECASE)
_AFTER_IDENTIFIER = re.compile(r"^[\s)>\],:;|·•–—\-]*")
# Signatures: a closing word, a dash.
_CLOSING = re.compile(r"^(?:(?:many\s+)?thanks|thank\s+you|(?:best|kind|warm)\s+regards|best\s+wishes|best|regards|"
                      r"cheers|sincerely|yours(?:\s+truly)?|all\s+the\s+best)\b[\s,.!]*(?P<value>.*)$", re.IGNORECASE)
_DASHED = re.compile(r"^(?:—|–|--|~)\s*(?P<value>.+)$")
# File names: "jane_doe_hw9.pdf", "HW9-DoeJane.pdf"; the words around a name there.
_FILE_SPLIT = re.compile(r"[_\-.\s]+|(?<=[a-z])(?=[A-Z])")
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_FILE_MARKER = re.compile(
    r"(?:hw|homework|assignment|asgn|ps|pset|problem|set|lab|project|submission|log|logs|chat|chats|"
    r"transcript|report|writeup|final|midterm|exam|llm|ai|q|part|week|cs|ee|eecs)?\d*", re.IGNORECASE)


def clean(line: str) -> str:
    """A line without its LaTeX and markdown, separators kept."""
    return " ".join(_MARKUP.sub(" ", _LATEX_BREAK.sub(" | ", line)).split())


def name_in(tokens: list[str], words: PostWords | None, *, fewest: int = 2, most: int = 4) -> str | None:
    """``tokens`` as one person's name, or None. Without ``words`` (a labelled field: the label
    says it is a name) only the words' shape and the never-a-name words are checked."""
    tokens = [t.rstrip(",") for t in tokens]
    if not tokens or tokens[0].lower().rstrip(".") in TITLES:
        return None  # "Prof. Anant Sahai": staff, not a student
    shapes = [_shape(t) for t in tokens]
    if "" in shapes or shapes[0] == "particle" or shapes[-1] in ("particle", "initial") or shapes.count("initial") > 2:
        return None
    real = [t for t, s in zip(tokens, shapes) if s in ("word", "caps")]
    if not fewest <= len(real) <= most or "word" in shapes and "caps" in shapes:
        return None  # "UC Berkeley", "AI Log": an acronym beside a word is not a name
    lowered = [t.lower() for t in real]
    never = not_name_words()
    if any(w in never or any(p in never for p in re.split(r"['’\-]", w)) for w in lowered):
        return None
    if words is not None:
        ordinary = sum(words.is_word(w) for w in lowered)
        if ordinary >= (1 if len(real) == 1 else max(2, len(real) - 1)):
            return None
        if all(all(p in homework_words() for p in re.split(r"['’\-]", w) if p) for w in lowered):
            return None  # the homework's own words ("Multi-Query Attention")
    return " ".join(tokens)


def _shape(token: str) -> str:
    """"word" (Jane, O'Brien, Smith-Jones), "caps" (DOE), "initial" (Q.), "particle" (van), or ""."""
    if token in PARTICLES:
        return "particle"
    if not token[:1].isupper():
        return ""
    if _INITIAL.fullmatch(token):
        return "initial"
    if not _TOKEN.fullmatch(token) or not all(p[:1].isupper() for p in re.split(r"['’\-]", token) if len(p) > 1):
        return ""
    if token.isupper():
        return "caps" if len(token) >= 2 else ""
    return "word"


def _leading_name(value: str, words: PostWords | None, *, fewest: int, whole: bool) -> str | None:
    """The name a field's value starts with ("Doe, Jane" too); ``whole``: the value's first
    segment must be nothing but the name."""
    value = value.strip()
    if match := _LAST_FIRST.match(value):
        if name := name_in([*match.group(2).split(), match.group(1)], words, fewest=2):
            return name
    tokens = _SEGMENT_END.split(value, maxsplit=1)[0].split()
    if whole:
        return name_in(tokens, words, fewest=fewest)
    for count in range(min(len(tokens), 6), 0, -1):
        if name := name_in(tokens[:count], words, fewest=fewest):
            return name
    return None


def _words_prefix(value: str, name: str) -> str:
    """The start of ``value`` up to the end of ``name``'s words as written there."""
    end = 0
    for word in name.split():
        end = value.index(word, end) + len(word)
    return value[:end]


def title_block(text: str) -> list[str]:
    """The lines before the conversation starts (at most a dozen), cleaned."""
    lines = []
    for raw in text.splitlines():
        line = clean(raw)
        if not line:
            continue
        if _TURN_START.match(line) or len(lines) >= _TITLE_BLOCK_LINES:
            break
        lines.append(line)
    return lines


def in_title_block(lines: list[str], words: PostWords) -> list[Found]:
    """A segment of a title-block line that is a name and nothing else. A list item or a line
    with a clause in it ("Unified Management : All related resources can be...") is prose."""
    found = []
    for previous, line in zip(["", *lines], lines):
        segments = _SEGMENTS.split(line)
        if (_LIST_ITEM.match(line) or any(len(segment.split()) > 5 for segment in segments)
                or _joins_prose(previous) or _joins_prose(line)):
            continue
        found += [Found(name, "name in the title block") for segment in segments
                  if (name := name_in(segment.split(), words))]
    return found


def _joins_prose(line: str) -> bool:
    """A line ending on a function word ("... (GQA) or") runs on into the next: both are prose."""
    last = line.split()[-1] if line.split() else ""
    return last in function_words()


def ids_in_title_block(lines: list[str]) -> list[str]:
    """Digits or letters and digits standing alone as a segment of a title-block line
    ("3031234567 – Jane Doe – AI log"): there, a number is no quantity."""
    return [segment for line in lines for segment in _SEGMENTS.split(line)
            if DIGIT_ID.fullmatch(segment) or ALNUM_ID.fullmatch(segment)]


def in_fields(text: str) -> list[Found]:
    """Names given by a label: "Name: Jane Doe", "Posted by Jane Doe", "By Jane Doe" (a line)."""
    found = []
    lines = {text.rfind("\n", 0, m.start()) + 1 for m in _FIELD_HINT.finditer(text)}
    for start in sorted(lines):
        end = text.find("\n", start)
        line = clean(text[start:len(text) if end < 0 else end])
        if match := _FIELD.match(line):
            name = _leading_name(match["value"], None, fewest=1, whole=False)
        elif match := _AUTHORED.search(line):
            name = _leading_name(match["value"], None, fewest=1, whole=False)
            if name and not _AUTHORED_TAIL.match(match["value"], len(_words_prefix(match["value"], name))):
                name = None
        elif match := _LINE_BY.match(line):
            name = _leading_name(match["value"], None, fewest=2, whole=True)
        else:
            continue
        if name:
            found.append(Found(name, "name in a field"))
    return found


def in_latex(text: str) -> list[Found]:
    """Names in ``\\author{...}`` and in a template's name macro."""
    found = []
    for match in _LATEX_AUTHOR.finditer(text):
        value = _LATEX_THANKS.sub(" ", _braced(text, match.end()))
        for piece in re.split(r"\||,|\n", clean(value)):
            if name := _leading_name(piece, None, fewest=2, whole=False):
                found.append(Found(name, "LaTeX author"))
    return found


def _braced(text: str, start: int) -> str:
    """The text from ``start`` to its closing brace (the opening one just before ``start``)."""
    depth = 1
    for index in range(start, min(len(text), start + 2000)):
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        if depth == 0:
            return text[start:index]
    return text[start:start + 2000]


def beside_identifiers(text: str, spans: list[tuple[int, int]], words: PostWords) -> list[Found]:
    """A name standing right before or after an e-mail, student ID or share link: "Jane Doe
    (jdoe@x.edu), SID 3031234567", "3031234567 - Jane Doe"."""
    found = []
    for start, end in spans:
        line_start, line_end = text.rfind("\n", 0, start) + 1, text.find("\n", end)
        before = clean(text[line_start:start])
        before = before[:_BEFORE_IDENTIFIER.search(before).start()].split()
        after = clean(text[end:len(text) if line_end < 0 else line_end])
        after = _SEGMENT_END.split(after[_AFTER_IDENTIFIER.match(after).end():], maxsplit=1)[0].split()
        for count in range(min(len(before), 6), 1, -1):
            if name := name_in(before[-count:], words):
                found.append(Found(name, "name beside an identifier"))
                break
        for count in range(min(len(after), 6), 1, -1):
            if name := name_in(after[:count], words):
                found.append(Found(name, "name beside an identifier"))
                break
    return found


def in_signature(text: str, words: PostWords) -> list[Found]:
    """ "Thanks, Jane", "— Jane Doe", or a name alone on the last line."""
    lines = [line for line in (clean(raw) for raw in text[-3000:].splitlines()) if line][-_SIGNATURE_LINES:]
    found = []
    for index, line in enumerate(lines):
        name = None
        if match := _CLOSING.match(line):
            value = match["value"] or (lines[index + 1] if index + 1 < len(lines) else "")
            name = _leading_name(value, words, fewest=1, whole=True)
        elif match := _DASHED.match(line):
            name = _leading_name(match["value"], words, fewest=1, whole=True)
        elif index == len(lines) - 1:
            name = name_in(line.split(), words)
        if name:
            found.append(Found(name, "name in a signature"))
    return found


def in_file_name(path: str) -> list[Found]:
    """2-3 name words in a file name that also says what the file is ("jane_doe_hw9",
    "HW9-DoeJane", "chatgpt_log_jane_doe"): a run of such words next to a homework, log or
    model word; or a folder named by 2-3 name words alone ("jane_doe/hw9.pdf")."""
    found = []
    never, models = not_name_words(), model_words()
    parts = [[t for t in _FILE_SPLIT.split(_SUFFIX.sub("", part)) if t] for part in PurePosixPath(path).parts]
    markers = [[bool(_FILE_MARKER.fullmatch(t)) or t.lower() in models for t in tokens] for tokens in parts]
    for index, (tokens, is_marker) in enumerate(zip(parts, markers)):
        is_name = [t.isalpha() and len(t) >= 2 and t.lower() not in never and not m for t, m in zip(tokens, is_marker)]
        if index < len(parts) - 1 and 2 <= len(tokens) <= 3 and all(is_name) and any(map(any, markers)):
            found.append(Found(" ".join(t.capitalize() for t in tokens), "name in the file name"))  # a student's folder
            continue
        if not any(is_marker):
            continue
        run: list[int] = []
        for position, token in enumerate([*tokens, ""]):
            if token and is_name[position]:
                run.append(position)
                continue
            if 2 <= len(run) <= 3:
                next_to_marker = (run[0] > 0 and is_marker[run[0] - 1]) or (run[-1] + 1 < len(tokens) and is_marker[run[-1] + 1])
                if next_to_marker:
                    found.append(Found(" ".join(tokens[i].capitalize() for i in run), "name in the file name"))
            run = []
    return found
