"""Citations checked against the curated table ``data/citations.toml``.

In each sentence of a model's turn, spaCy ``PhraseMatcher``s find papers named by the table
("the Performer paper", "Attention Is All You Need") and ideas the table says a paper introduced
("multi-query attention", "batch normalization"), and a ``Matcher`` finds author citations
("Katharopoulos et al., 2020", "Shazeer (2019)", "Tsai and Bai 2019"), bare years next to a
paper ("Performer (2019)") and venues ("ICML 2020"). A citation within a few tokens of a paper
name is attributed to it; an idea is credited to a citation only by a crediting phrase ("MQA
(Shazeer, 2019)", "MQA was introduced by ...", "... proposed MQA"), since a sentence may mention
an idea and cite another paper for something else. The label fires when the author, year or
venue is not that paper's (for an idea: not that of any paper the table credits with it). A
citation that names no tabled paper or idea is never judged: a surname alone says too little
(the table's authors share surnames with thousands of others).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache

from ..errors import TractorError
from ..paths import data_dir
from ..records import ASSISTANT, Label, Transcript
from .text import MAX_CHARS, doc, sentences

NEAR_TOKENS = 6  # a citation this close to a paper name is about that paper
CONFIDENCE = 0.9
VENUES = ["NeurIPS", "NIPS", "ICML", "ICLR", "ACL", "EMNLP", "NAACL", "CVPR", "ICCV", "ECCV", "AAAI", "IJCAI",
          "JMLR", "TACL", "arXiv", "EMNLP-IJCNLP", "COLT", "AISTATS", "MICCAI", "SOSP", "WACV", "COLM", "KDD",
          "Nature", "Neurocomputing"]
# Words that make "IDEA ... CITATION" or "CITATION ... IDEA" a credit rather than a co-mention
# ("used in", "as in" are not credits: "MQA, as used in Llama 2 (Touvron et al., 2023)").
_VERBS = {"introduced", "introduce", "introduces", "proposed", "propose", "proposes", "invented", "invent",
          "invents", "developed", "develops", "presented", "presents", "pioneered", "originated", "coined"}
CREDITING = _VERBS | {"first", "due"}  # after the idea also "first described by", "due to"
_NEGATION = {"not", "n't", "never"}
_PAREN = {"(", "["}
_YEAR = {"TEXT": {"REGEX": r"^(19|20)\d\d[a-z]?$"}}
_NAME = {"IS_TITLE": True, "IS_ALPHA": True}
_OPEN = {"ORTH": {"IN": ["(", "[", ","]}, "OP": "?"}
CITATION_PATTERNS = {
    "et_al": [[_NAME, {"LOWER": "et"}, {"LOWER": {"IN": ["al", "al."]}}, {"ORTH": ".", "OP": "?"},
               {"ORTH": "'s", "OP": "?"}, _OPEN, {**_YEAR, "OP": "?"}]],
    "two_authors": [[_NAME, {"LOWER": {"IN": ["and", "&"]}}, _NAME, _OPEN, _YEAR]],
    "author_year": [[_NAME, {"ORTH": {"IN": ["(", "[", ","]}}, _YEAR]],
    "year": [[{"ORTH": {"IN": ["(", "["]}}, _YEAR]],
    "venue": [[{"ORTH": {"IN": VENUES}}, {**_YEAR, "OP": "?"}]],
}
# Every citation pattern needs a year, "et" or a venue token: a sentence with none of them as
# text cannot cite, and is not tokenised (most sentences of an answer are maths, not citations).
_MAY_CITE = re.compile(r"(?:19|20)\d\d|(?<![^\W\d_])et(?![^\W\d_])|" + "|".join(map(re.escape, VENUES)),
                       re.IGNORECASE)


@dataclass(frozen=True)
class Paper:
    key: str
    title: str
    names: tuple[str, ...]
    authors: tuple[str, ...]  # surnames, first author first
    years: frozenset[int]
    venues: tuple[str, ...]
    ideas: tuple[str, ...] = ()

    def has_author(self, surname: str) -> bool:
        return surname.lower() in {a.lower() for a in self.authors}

    @property
    def byline(self) -> str:
        return self.authors[0] + (" et al." if len(self.authors) > 1 else "")


@dataclass(frozen=True)
class Citation:
    """One author/year/venue mention and the tokens it spans."""

    start: int
    end: int
    author: str = ""
    year: int | None = None
    venue: str = ""


@cache
def papers() -> tuple[Paper, ...]:
    path = data_dir() / "citations.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        return tuple(Paper(p["key"], p["title"], tuple(p["names"]) + (p["title"],),
                           tuple(p["authors"]), frozenset(int(y) for y in p["years"]),
                           tuple(p.get("venues", ())), tuple(p.get("ideas", ()))) for p in raw["paper"])
    except (OSError, KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise TractorError(f"citation table {path}: {exc}") from exc


@cache
def _matchers():
    from spacy.matcher import Matcher, PhraseMatcher

    from .text import nlp

    names = PhraseMatcher(nlp().vocab, attr="LOWER")
    for paper in papers():
        names.add(paper.key, [nlp().make_doc(n) for n in paper.names])
    ideas = PhraseMatcher(nlp().vocab, attr="LOWER")
    for idea, _ in _credited().items():
        ideas.add(idea, [nlp().make_doc(idea)])
    citations = Matcher(nlp().vocab)
    for name, patterns in CITATION_PATTERNS.items():
        citations.add(name, patterns, greedy="LONGEST")
    return names, citations, ideas


@cache
def _credited() -> dict[str, tuple[Paper, ...]]:
    """Idea (lower case) -> the papers the table credits with it."""
    out: dict[str, tuple[Paper, ...]] = {}
    for paper in papers():
        for idea in paper.ideas:
            out[idea.lower()] = out.get(idea.lower(), ()) + (paper,)
    return out


def find_citations(sentence_doc) -> list[Citation]:
    """Author, year and venue mentions in a sentence, longest match first, no overlaps."""
    _, matcher, _ = _matchers()
    by_key = {p.key for p in papers()}
    found, taken = [], set()
    for match_id, start, end in sorted(matcher(sentence_doc), key=lambda m: (m[1], -(m[2] - m[1]))):
        span = sentence_doc[start:end]
        if taken & set(range(start, end)) or span[0].lower_ in by_key:
            continue
        taken |= set(range(start, end))
        kind = sentence_doc.vocab.strings[match_id]
        years = [int(t.text[:4]) for t in span if re.fullmatch(r"(19|20)\d\d[a-z]?", t.text)]
        year = years[0] if years else None
        if kind == "venue":
            found.append(Citation(start, end, venue=span[0].text, year=year))
        elif kind == "year":
            found.append(Citation(start, end, year=year))
        else:
            found.append(Citation(start, end, author=span[0].text, year=year))
    return found


def check_sentence(sentence: str) -> list[str]:
    """Why each citation in the sentence is misattributed (empty when all check out)."""
    if not _MAY_CITE.search(sentence):
        return []
    names, _, ideas = _matchers()
    sdoc = doc(sentence)
    table = {p.key: p for p in papers()}
    mentions = [(table[sdoc.vocab.strings[m]], s, e) for m, s, e in names(sdoc)]
    credited = [(sdoc.vocab.strings[m], s, e) for m, s, e in _longest(ideas(sdoc))]
    problems = []
    for cite in find_citations(sdoc):
        near = [(min(abs(cite.start - e), abs(s - cite.end)), p) for p, s, e in mentions]
        near = [(d, p) for d, p in near if d <= NEAR_TOKENS]
        if near:
            problems += _against(min(near, key=lambda x: x[0])[1], cite)
            continue
        for idea, start, end in credited:
            if _credits(sdoc, (start, end), cite):
                problems += _idea_against(idea, sdoc[start:end].text, sdoc[cite.start:cite.end].text, cite)
    return problems


def _longest(matches):
    """Phrase matches without overlaps, the longest first ("sparsely gated mixture of experts"
    over "mixture of experts")."""
    kept, taken = [], set()
    for m, start, end in sorted(matches, key=lambda x: (-(x[2] - x[1]), x[1])):
        if not taken & set(range(start, end)):
            kept.append((m, start, end))
            taken |= set(range(start, end))
    return sorted(kept, key=lambda x: x[1])


def _credits(sdoc, idea: tuple[int, int], cite: Citation) -> bool:
    """Whether the words between an idea and a citation credit the one to the other: a bracket
    right after the idea ("MQA (Shazeer, 2019)"), or a crediting word within a few tokens
    ("introduced by", "proposed"), never a negation."""
    start, end = idea
    if cite.start >= end:
        gap = [t.lower_ for t in sdoc[end:cite.start]]
        if set(gap) <= _PAREN:
            return True
        words = CREDITING
    elif cite.end <= start:
        gap = [t.lower_ for t in sdoc[cite.end:start]]
        words = _VERBS
    else:
        return False
    return len(gap) <= NEAR_TOKENS and bool(words & set(gap)) and not _NEGATION & set(gap)


def _idea_against(idea: str, as_written: str, cited: str, cite: Citation) -> list[str]:
    """Problems of crediting ``idea`` to ``cite``: none when any paper credited with it fits."""
    verdicts = [(_against(paper, cite), paper) for paper in _credited()[idea]]
    if any(not problems for problems, _ in verdicts):
        return []
    papers_ = "; ".join(f"{p.byline} ({'/'.join(map(str, sorted(p.years)))}, {'/'.join(p.venues)}): {p.title}"
                        for _, p in verdicts)
    return [f"{as_written} credited to {cited.strip('([, ')}; the table credits it to {papers_}"]


def _against(paper: Paper, cite: Citation) -> list[str]:
    out = []
    if cite.author and not paper.has_author(cite.author):
        out.append(f"{paper.title} credited to {cite.author}; its authors are {paper.byline}")
    if cite.year is not None and cite.year not in paper.years:
        out.append(f"{paper.title} dated {cite.year}; it is from {'/'.join(map(str, sorted(paper.years)))}")
    if cite.venue and cite.venue.lower() not in {v.lower() for v in paper.venues}:
        out.append(f"{paper.title} placed at {cite.venue}; it appeared at {'/'.join(sorted(paper.venues))}")
    return out



def citation_labels(transcript: Transcript) -> list[Label]:
    labels = []
    for i, message in enumerate(transcript.messages):
        if message.role != ASSISTANT or not _MAY_CITE.search(message.content[:MAX_CHARS]):
            continue  # a message's sentences are its whitespace-collapsed pieces: none can cite
        for sentence in sentences(message.content):
            problems = check_sentence(sentence)
            if problems:
                evidence = sentence if len(sentence) <= 300 else sentence[:299] + "…"
                labels.append(Label(transcript.transcript_id, "", "misattributed_citation", i,
                                    f"{evidence} [{'; '.join(problems)}]", "rule", CONFIDENCE))
    return labels
