"""Citations checked against the curated table ``data/citations.toml``.

In each sentence of a model's turn, a spaCy ``PhraseMatcher`` finds papers named by the table
("the Performer paper", "Attention Is All You Need") and a ``Matcher`` finds author citations
("Katharopoulos et al., 2020", "Shazeer (2019)", "Tsai and Bai 2019"), bare years next to a
paper ("Performer (2019)") and venues ("ICML 2020"). A citation within a few tokens of a paper
name is attributed to it; the label fires when the author, year or venue is not that paper's.
An author citation with no paper named is checked on its own: a tabled author with no tabled
paper in that year is misattributed. Unknown papers and unknown authors are never judged.
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
VENUES = ["NeurIPS", "NIPS", "ICML", "ICLR", "ACL", "EMNLP", "NAACL", "CVPR", "ICCV", "AAAI", "JMLR", "TACL",
          "arXiv", "EMNLP-IJCNLP", "COLT", "AISTATS"]
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
                           tuple(p.get("venues", ()))) for p in raw["paper"])
    except (OSError, KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise TractorError(f"citation table {path}: {exc}") from exc


@cache
def _matchers():
    from spacy.matcher import Matcher, PhraseMatcher

    from .text import nlp

    names = PhraseMatcher(nlp().vocab, attr="LOWER")
    for paper in papers():
        names.add(paper.key, [nlp().make_doc(n) for n in paper.names])
    citations = Matcher(nlp().vocab)
    for name, patterns in CITATION_PATTERNS.items():
        citations.add(name, patterns, greedy="LONGEST")
    return names, citations


def find_citations(sentence_doc) -> list[Citation]:
    """Author, year and venue mentions in a sentence, longest match first, no overlaps."""
    _, matcher = _matchers()
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
    names, _ = _matchers()
    sdoc = doc(sentence)
    table = {p.key: p for p in papers()}
    mentions = [(table[sdoc.vocab.strings[m]], s, e) for m, s, e in names(sdoc)]
    problems = []
    for cite in find_citations(sdoc):
        near = [(min(abs(cite.start - e), abs(s - cite.end)), p) for p, s, e in mentions]
        near = [(d, p) for d, p in near if d <= NEAR_TOKENS]
        if near:
            problems += _against(min(near, key=lambda x: x[0])[1], cite)
        elif cite.author:
            problems += _author_alone(cite)
    return problems


def _against(paper: Paper, cite: Citation) -> list[str]:
    out = []
    if cite.author and not paper.has_author(cite.author):
        out.append(f"{paper.title} credited to {cite.author}; its authors are {paper.byline}")
    if cite.year is not None and cite.year not in paper.years:
        out.append(f"{paper.title} dated {cite.year}; it is from {'/'.join(map(str, sorted(paper.years)))}")
    if cite.venue and cite.venue.lower() not in {v.lower() for v in paper.venues}:
        out.append(f"{paper.title} placed at {cite.venue}; it appeared at {'/'.join(sorted(paper.venues))}")
    return out


def _author_alone(cite: Citation) -> list[str]:
    theirs = [p for p in papers() if p.has_author(cite.author)]
    if not theirs or cite.year is None or any(cite.year in p.years for p in theirs):
        return []
    return [f"{cite.author} et al. {cite.year}: no tabled paper by {cite.author} from that year "
            f"({'; '.join(f'{p.title} {min(p.years)}' for p in theirs)})"]


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
