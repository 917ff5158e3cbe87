"""A synthetic corpus of N posts made from the real samples, for the benchmark (scripts/bench.py).

Copies of the same few files would let every cache and every dedup path look better than it
is, so each post is a *varied* copy of a sample, seeded and deterministic (same seed, same
bytes):

* text and markdown: questions reordered (the sections between "Problem N"/"Question N"
  headings are shuffled), answers swapped for another reference, accepted or known-wrong form
  of the same part taken from the answer keys, model names and speaker labels respelled, and a
  sentence of the student's own added, so every post is a different conversation;
* PDF (with pikepdf): a page dropped or two pages swapped, and the document information
  (title with the model name respelled, author, dates) rewritten, so bytes and content differ;
* saved chat pages: the title's model name respelled and a comment added.

The mix of formats follows the samples: each post starts from a sample picked uniformly.
"""

from __future__ import annotations

import io
import random
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "corpus"
KEYS = REPO / "data" / "homeworks"

# Model names as students write them; a post keeps the family consistent by swapping all at once.
_MODEL_NAMES = ("ChatGPT", "GPT-5", "Claude", "Claude Sonnet 4.5", "Gemini", "Gemini 2.5 Pro", "Grok", "DeepSeek")
_MODEL_PATTERN = re.compile(r"\b(?:ChatGPT|GPT-\d(?:\.\d)?|Claude(?: Sonnet [\d.]+)?|Gemini(?: [\d.]+ Pro)?|Grok|DeepSeek)\b")
# Speaker labels for the student: respelled at the start of a line only.
_STUDENT_LABELS = ("Me:", "User:", "Student:", "Prompt:", "You said:")
_STUDENT_PATTERN = re.compile(r"^(?:Me|User|Student|Prompt|You said):", re.M)
_HEADING = re.compile(r"^\s{0,3}(?:#{1,6}\s*)?(?:\*\*)?(?:Problem|Question)\s*\d+\b.*$", re.M | re.I)
_NOTES = (
    "I ran this on the homework as a participation post.",
    "Below is my annotated log; my comments are marked as such.",
    "I only gave the model the PDF and asked it to go question by question.",
    "The model needed a few nudges, described in my notes below.",
    "Overall the answers were mostly right, with a couple of slips I point out.",
)


@dataclass(frozen=True)
class Post:
    path: Path
    sample: str  # the sample file (relative to the samples folder) it was made from


def answer_forms(keys: Path = KEYS) -> list[list[str]]:
    """Per part of every answer key: its reference, accepted and known-wrong forms (long enough
    to be replaced as literal text without hitting unrelated words)."""
    groups = []
    for key_file in sorted(keys.glob("*/key.toml")):
        for part in tomllib.loads(key_file.read_text(encoding="utf-8")).get("part", []):
            forms = [part.get("reference", ""), *part.get("accepted", []), *part.get("known_wrong", [])]
            forms = sorted({f for f in forms if isinstance(f, str) and len(f) >= 4})
            if len(forms) >= 2:
                groups.append(forms)
    return groups


def vary_text(text: str, rng: random.Random, forms: list[list[str]]) -> str:
    """A different post about the same homework (see the module docstring)."""
    sections = [m.start() for m in _HEADING.finditer(text)]
    if len(sections) >= 3:
        head, cuts = text[: sections[0]], sections + [len(text)]
        parts = [text[a:b] for a, b in zip(cuts, cuts[1:])]
        rng.shuffle(parts)
        text = head + "".join(p if p.endswith("\n") else p + "\n" for p in parts)
    for group in forms:
        for form in group:
            if form in text and rng.random() < 0.5:
                text = text.replace(form, rng.choice([f for f in group if f != form]))
    model = rng.choice(_MODEL_NAMES)
    text = _MODEL_PATTERN.sub(model, text)
    text = _STUDENT_PATTERN.sub(rng.choice(_STUDENT_LABELS), text)
    note = f"{rng.choice(_NOTES)} (post {rng.randrange(10**6):06d}, used {model})\n\n"
    return note + text


def vary_pdf(data: bytes, rng: random.Random) -> bytes:
    """The same kind of PDF with other pages and other document information."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
        if pages >= 3 and rng.random() < 0.5:
            del pdf.pages[rng.randrange(1, pages)]
        elif pages >= 4:
            i = rng.randrange(1, pages - 1)
            pdf.pages[i], pdf.pages[i + 1] = pdf.pages[i + 1], pdf.pages[i]
        title = str(pdf.docinfo.get("/Title", "Homework chat"))
        stamp = f"D:2026{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{rng.randrange(24):02d}0000+00'00'"
        pdf.docinfo["/Title"] = _MODEL_PATTERN.sub(rng.choice(_MODEL_NAMES), title)
        pdf.docinfo["/Author"] = f"Student {rng.randrange(10**4):04d}"
        pdf.docinfo["/CreationDate"] = pdf.docinfo["/ModDate"] = stamp
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


def vary_html(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", errors="surrogateescape")
    text = re.sub(r"<title>(.*?)</title>", lambda m: f"<title>{_MODEL_PATTERN.sub(rng.choice(_MODEL_NAMES), m[1])}</title>",
                  text, count=1, flags=re.S)
    text = text.replace("<head>", f"<head><!-- saved copy {rng.randrange(10**6):06d} -->", 1)
    return text.encode("utf-8", errors="surrogateescape")


def sample_files(samples: Path = SAMPLES) -> list[Path]:
    from tractor.pipeline import corpus_files

    return corpus_files(samples)


def synthesize(out: Path, posts: int, seed: int = 0, samples: Path = SAMPLES) -> list[Post]:
    """Write ``posts`` varied posts under ``out`` (folders of 1,000) and return them in order."""
    sources, forms = sample_files(samples), answer_forms()
    if not sources:
        raise SystemExit(f"no sample posts in {samples}")
    raw = {p: p.read_bytes() for p in sources}
    made = []
    for i in range(posts):
        rng = random.Random(f"{seed}:{i}")
        source = rng.choice(sources)
        data, kind = raw[source], source.suffix.lower()
        if kind == ".pdf" and data.lstrip()[:5] == b"%PDF-":
            data = vary_pdf(data, rng)
        elif kind in (".html", ".htm"):
            data = vary_html(data, rng)
        elif kind in (".txt", ".md", ".markdown"):
            data = vary_text(data.decode("utf-8", "surrogateescape"), rng, forms).encode("utf-8", "surrogateescape")
        path = Path(out) / f"batch-{i // 1000:03d}" / f"{i:05d}_{source.stem}{source.suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        made.append(Post(path, source.relative_to(samples).as_posix()))
    return made
