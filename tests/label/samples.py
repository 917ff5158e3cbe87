"""The real sample posts cut into turns by hand, for the text-based detectors.

Each cut is ``(role, marker)``: the segment runs from the first occurrence of ``marker`` (after
the previous cut) to the next cut. ``role`` is ``user``/``assistant`` (a new message), ``+``
(continues the previous message: the text around a note the student put inside an answer) or
``note`` (a student annotation, anchored after the current message).
"""

from pathlib import Path

from tractor.records import Annotation, Claim, Message, Transcript

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

CUTS = {
    "000": [
        ("user", "can you please solve problem 1"), ("assistant", "Thought for 12s"),
        ("note", "When I prompted the LLM with Question 1"), ("+", "### Solution"),
        ("user", "now solve 2"), ("assistant", "Thought for 20s"),
        ("note", "When I asked the LLM to perform argmax attention"),
        ("user", "Solve 3"), ("assistant", "Thought for 42s"),
        ("note", "For the multi-head attention code in PyTorch"),
        ("user", "solve 4"), ("assistant", "Thought for 51s"),
        ("user", "for g) just to confirm"), ("assistant", "Thought for 5s"),
        ("note", "For the decoding-optimization question"),
        ("user", "now do question 6 (skip 5)"), ("assistant", "Thought for 34s"),
        ("note", "For part (a) on kernelized attention"), ("+", "### (a) Conditions on sim"),
        ("user", "You previously solved a homework problem"), ("assistant", "Thought for 11s"),
        ("note", "Its main mistake was in part (b)."),
    ],
    "001": [
        ("note", "Summary"),
        ("user", "Me: I am completing an assignment"), ("assistant", "ChatGPT:\n\nYes, that makes sense"),
        ("user", "Me: I have attached the PDF"), ("assistant", "ChatGPT:\n\nreluctant"),
        ("user", "Me: Thanks for the workflow"), ("assistant", "ChatGPT: acknowledged"),
        ("user", "Me: You can move onto question 2"), ("assistant", "ChatGPT: went back"),
        ("user", "Me: Thanks for the concern"), ("assistant", "ChatGPT:\n\nThanks for pasting"),
        ("user", "Me: we can move on to question 3"), ("assistant", "ChatGPT:\n\nNice, this is a fun one"),
        ("user", "Me: You may proceed"), ("assistant", "ChatGPT:\n\nGoing on to"),
        ("user", "Me: you may move on"), ("assistant", "ChatGPT:\n\nAlright, onto"),
        ("user", "Me: your solution to 6e is incorrect"), ("assistant", "ChatGPT:\n\nYou're right to flag"),
    ],
    "002": [
        ("assistant", "Part\tAnswer"), ("user", "Almost there. Let's skip over Problem 5"),
        ("assistant", "Problem 6 – Kernelized"), ("user", "Does the similarity function strictly"),
        ("assistant", "Short answer: No"), ("user", "For part b, let's assume"),
        ("assistant", "Great question — and yes"), ("user", "For bii), how many times"),
        ("assistant", "Revised and fully precise"), ("user", "You describe that each cross-term"),
        ("assistant", "You're asking the perfect question"), ("user", "Remembering equation (2)"),
        ("assistant", "Great — now that we're looking"), ("user", "For 6c), do we know"),
        ("assistant", "Short answer for 6(c)"), ("user", "What if M and D were distinct"),
        ("assistant", "Here is the precise answer"),
    ],
}


def sample_transcript(stem: str) -> Transcript:
    """The sample post whose file name starts with ``stem``, cut at :data:`CUTS`."""
    path = next(CORPUS.glob(f"{stem}_*.txt"))
    text = path.read_text(encoding="utf-8")
    cuts, pos = [], 0
    for role, marker in CUTS[stem]:
        pos = text.index(marker, pos)
        cuts.append((role, pos))
    messages, notes, summary = [], [], ""
    for (role, start), (_, end) in zip(cuts, cuts[1:] + [("", len(text))]):
        segment = text[start:end].strip()
        if role == "note" and not messages:
            summary = segment
        elif role == "note":
            notes.append(Annotation(segment, len(messages) - 1))
        elif role == "+":
            messages[-1] = Message(messages[-1].role, messages[-1].content + "\n\n" + segment)
        else:
            messages.append(Message(role, segment))
    return Transcript(transcript_id=f"sample-{stem}", source=path.name, format="text", messages=messages,
                      annotations=notes, summary=summary, homework="hw09")


def claim(part: str, attempt: int, message_index: int, verdict: str, *, kind: str = "expression",
          normalized: str = "", text: str = "", detail: str = "", in_homework: bool = True,
          reference: str = "", facts: dict | None = None) -> Claim:
    """A hand-built claim, as the extractor and verifier would hand it over."""
    import json

    return Claim(transcript_id="t", part=part, in_homework=in_homework, attempt=attempt,
                 message_index=message_index, kind=kind, claim=text or normalized, normalized=normalized,
                 verdict=verdict, detail=detail, reference=reference,
                 facts=json.dumps(facts, sort_keys=True) if facts else "")
