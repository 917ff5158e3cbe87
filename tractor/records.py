"""The record types that flow through the pipeline.

A reader turns a file into one or more :class:`Document` (raw text, or turns when the format
carries roles); segmentation turns a document into a :class:`Transcript`; later steps attach
claims and labels. A file that cannot be read becomes a :class:`FailedFile`, never a silent gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

USER = "user"
ASSISTANT = "assistant"


@dataclass(frozen=True)
class Turn:
    """One turn as a structured format (export, saved page) states it."""

    role: str  # "user" or "assistant"
    content: str
    model: str = ""  # per-turn model slug when the format records one


@dataclass
class Document:
    """What a reader produced from one file (or one conversation of an export file).

    ``turns`` is set when the format itself says who spoke; otherwise ``text`` holds the post's
    text in reading order and segmentation decides the turns. ``identities`` are strings the
    reader knows to be identity-bearing (PDF author metadata, share links, account names) and
    that must be pseudonymised wherever they appear.
    """

    source: str
    format: str
    text: str = ""
    turns: list[Turn] | None = None
    title: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    identities: list[str] = field(default_factory=list)
    partial: bool = False  # the file was damaged and only part of it was recovered
    damage: str = ""  # what was lost, when ``partial``


@dataclass(frozen=True)
class Message:
    role: str
    content: str


@dataclass(frozen=True)
class Annotation:
    """The student's own commentary, anchored after message ``after_message`` (-1: before all)."""

    text: str
    after_message: int


@dataclass
class Transcript:
    """One conversation: the unit every later step reads and extends."""

    transcript_id: str
    source: str
    format: str
    messages: list[Message] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)
    summary: str = ""
    model: str = "unknown"
    model_evidence: str = ""
    homework: str = "unknown"
    homework_evidence: str = ""
    partial: bool = False  # only part of the file was recovered (the ``errors`` row says what was lost)
    duplicate_of: str = ""  # the kept transcript this one repeats (see tractor.duplicates); "" when kept


@dataclass(frozen=True)
class FailedFile:
    """A file, or one conversation of it, that could not be ingested, and why."""

    source: str
    stage: str
    error: str


# Verdicts: `error` is a claim whose code could not be judged because running it failed in the
# sandbox for a reason of its own (timeout, forbidden call) — distinct from `incorrect`.
VERDICTS = ("correct", "incorrect", "unverified", "error")


@dataclass
class Claim:
    """What the model claimed for one homework part in one attempt.

    ``claim`` is the raw text as written; ``normalized`` the parsed form (a sympy srepr, a JSON list,
    a kind's canonical string...) or "" when it could not be parsed (the reason in an
    ``unparsed:`` tag). ``tags`` are what the extractor knew about the claim, for the later stages
    (``pdf-math``, ``resource=time``, ``source=boxed``: names in :mod:`tractor.extract`), read
    with :meth:`tag`; ``detail`` is the verifier's reason, for people.
    ``facts`` is the verifier's measurements as a JSON object text (names in
    :mod:`tractor.verify.outcome`; "" when it measured nothing): a string, so the record stays
    one flat row on disk and in the build cache; read it with :attr:`fact_map`.
    """

    transcript_id: str
    part: str
    in_homework: bool
    attempt: int
    message_index: int
    kind: str
    claim: str
    normalized: str = ""
    verdict: str = "unverified"
    detail: str = ""
    reference: str = ""
    facts: str = ""
    tags: list[str] = field(default_factory=list)

    def tag(self, name: str) -> str | None:
        """The value of tag ``name`` (``resource=time`` -> "time", ``unparsed: why`` -> "why",
        a bare ``pdf-math`` -> ""), or None when the claim does not carry it."""
        for tag in self.tags:
            key, sep, value = tag.partition("=") if "=" in tag.split(":")[0] else tag.partition(":")
            if key.strip() == name:
                return value.strip()
        return None

    @property
    def fact_map(self) -> dict:
        """``facts`` read back: {} when there are none or the text is not a JSON object."""
        import json

        try:
            value = json.loads(self.facts) if self.facts else {}
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Label:
    """An error-type label with its evidence and the detector that decided it."""

    transcript_id: str
    part: str  # "" for transcript-level labels
    label: str
    message_index: int
    evidence: str
    detector: str  # "verifier", "rule" or "model"
    confidence: float
