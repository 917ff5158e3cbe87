"""Planted identities: one post per layout a student's identity takes, each with the strings that
must vanish from it (the identity, in every form the post writes it) and the strings that must
stay (cited authors, model names, course staff, the homework's words).

Every post shares the same conversation, which cites papers, names models and quotes the course
page, and mentions the student again by first or last name alone where the layout allows; a
layout is what is planted around it. Used by tests/privacy (the scrubber) and tests/publish (the
gate must refuse these posts when they were not scrubbed).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Planted:
    layout: str
    post: str  # the post as the reader gives it, title block first
    vanish: tuple[str, ...]
    source: str = "posts/hw9_log.txt"
    extra: tuple[str, ...] = ()  # what the reader knew (PDF author metadata)
    roster: bool = False  # needs the roster (ROSTER_CSV)


ROSTER_CSV = "Student Name,Email,SID\n\"Doe, Jane\",jdoe@berkeley.edu,3034567890\nMei Lin,mlin@berkeley.edu,3039998887\n"

CONVERSATION = """
You said:
Solve 1(c): why is the score divided by sqrt(d)? Instructor: Prof. Anant Sahai.

ChatGPT said:
As Vaswani et al. (2017) argue, scaling keeps the softmax out of saturation. Shazeer 2019 keeps a
single key head (multi-query attention), and linear attention (Katharopoulos et al., 2020) drops
the softmax altogether. Claude, Gemini, Grok, Llama and Mistral give the same answer.
Multi-query attention comes from the original MQA paper (Vaswani et al., 2019).
"""
# The sentence misattributed_citation must still flag after scrubbing.
MISATTRIBUTED = "Multi-query attention comes from the original MQA paper (Vaswani et al., 2019)."
# What every post must keep, whatever was planted around the conversation.
KEEP = ("Vaswani et al. (2017)", "Shazeer 2019", "(Katharopoulos et al., 2020)", "Claude", "Gemini", "Grok",
        "Llama", "Mistral", "ChatGPT said:", "Prof. Anant Sahai", "multi-query attention")


def _post(header: str, footer: str = "", aside: str = "") -> str:
    return f"{header}\n{CONVERSATION}{aside}\n{footer}"


PLANTED = [
    # title block: a name alone on the line under the title (LaTeX write-up, its PDF)
    Planted("name under the title", _post("CS 182 Homework 9: LLM Log\nJane Doe\nNovember 14, 2025",
                                          aside="Jane checked the derivation by hand."), ("Jane", "Doe")),
    Planted("name under the title, all capitals", _post("HOMEWORK 9 AI LOG\nJANE DOE\n"), ("JANE", "DOE")),
    Planted("name with accents", _post("Homework 9 — AI log\nZoë Ångström\n", aside="Zoë asked again."),
            ("Zoë", "Ångström")),
    Planted("name with particles", _post("HW 9 transcript\nLudwig van der Berg\n", aside="(van der Berg, second try)"),
            ("Ludwig", "van der Berg")),
    Planted("four-word name", _post("Homework 9\nAna Paula Souza Lima\n"), ("Ana", "Paula", "Souza", "Lima")),
    Planted("name among course details", _post("Jane Doe | CS 182 | Fall 2025\nHomework 9 with ChatGPT"),
            ("Jane", "Doe")),
    Planted("ID – name – AI log header", _post("A01234567 – Jane Doe – AI log"), ("A01234567", "Jane", "Doe")),
    Planted("digits ID – name header", _post("3031234567 - Mei Lin - HW9 chat", aside="Lin re-asked part (b)."),
            ("3031234567", "Mei", "Lin")),
    Planted("printed chat page header", _post("ChatGPT - Shared conversation\nJane Doe\n11/14/25, 3:02 PM"),
            ("Jane", "Doe")),
    Planted("forum post header", _post("Homework 9 LLM log #75\nJane Doe\n3 days ago in Assignments"), ("Jane", "Doe")),
    # bylines and fields
    Planted("markdown byline", _post("# Homework 9 with Gemini\n*by Jane Doe*\n"), ("Jane", "Doe")),
    Planted("markdown front matter", _post("---\ntitle: HW9 log\nauthor: Jane Doe\n---\n"), ("Jane", "Doe")),
    Planted("posted by", _post("Posted by Jane Doe on Nov 14", aside="Jane: thanks!"), ("Jane", "Doe")),
    Planted("submitted by, particles", _post("Homework 9\nSubmitted by María de la Cruz"), ("María", "de la Cruz")),
    Planted("written by", _post("Written by Priya Raghunathan, CS 182"), ("Priya", "Raghunathan")),
    Planted("name field", _post("Name: Jane Q. Doe", aside="Doe, Jane - resubmission."), ("Jane", "Q. Doe", "Doe")),
    Planted("bold student field, last name first", _post("**Student:** Doe, Jane\n**Homework:** 9"), ("Jane", "Doe")),
    Planted("author field, hyphenated", _post("Author: Jean-Luc Moreau-Blanc"), ("Jean-Luc", "Moreau-Blanc")),
    Planted("name field, apostrophe", _post("Student name - Siobhan O'Brien"), ("Siobhan", "O'Brien")),
    Planted("e-mail header", _post("From: Jane Doe <jdoe@berkeley.edu>\nSubject: HW9 log"),
            ("Jane", "Doe", "jdoe@berkeley.edu")),
    # beside an e-mail, a student ID or a share link
    Planted("name (e-mail), SID", _post("HW9 AI log\nJane Doe (jdoe@berkeley.edu), SID 3031234567"),
            ("Jane", "Doe", "jdoe@berkeley.edu", "3031234567")),
    Planted("SID then name", _post("Homework 9\nSID 3031234567 - Jane Doe"), ("Jane", "Doe", "3031234567")),
    Planted("name beside a share link", _post("Jane Doe: https://chatgpt.com/share/6744f1c2-1234"),
            ("Jane", "Doe", "https://chatgpt.com/share/6744f1c2-1234")),
    Planted("partner beside e-mail mid-post", _post("Homework 9", aside="Checked with Wei Chen (wchen@berkeley.edu)."),
            ("Wei", "Chen", "wchen@berkeley.edu")),
    Planted("e-mail then name", _post("HW9 log\njdoe@berkeley.edu (Jane Doe)"), ("Jane", "Doe", "jdoe@berkeley.edu")),
    # student IDs in their common formats
    Planted("matriculation number", _post("Homework 9\nMatriculation number: 1234567"), ("1234567",)),
    Planted("letters and digits ID", _post("Homework 9\nStudent number: s1234567"), ("s1234567",)),
    Planted("unlabelled letters and digits ID", _post("Homework 9", aside="Login u7654321 for the notebook."),
            ("u7654321",)),
    Planted("two letters ID after label", _post("Homework 9\nStudent ID: AB123456"), ("AB123456",)),
    # LaTeX sources
    Planted("LaTeX author with SID", _post("\\title{HW9 AI log}\n\\author{Jane Doe \\\\ SID 3031234567}\n\\maketitle"),
            ("Jane", "Doe", "3031234567")),
    Planted("LaTeX author with thanks", _post("\\author{María José García-López\\thanks{jgarcia@berkeley.edu}}"),
            ("María", "José", "García-López", "jgarcia@berkeley.edu")),
    Planted("LaTeX template name macro", _post("\\newcommand{\\studentname}{Wei Chen}\n\\section*{HW9}"),
            ("Wei", "Chen")),
    # signatures at the end
    Planted("signature after thanks", _post("Homework 9", footer="Thanks,\nJane"), ("Jane",)),
    Planted("dash signature", _post("Homework 9", footer="— Jane Doe"), ("Jane", "Doe")),
    Planted("best regards signature", _post("Homework 9", footer="Best regards, Jane Doe"), ("Jane", "Doe")),
    Planted("signature after cheers", _post("Homework 9", footer="Cheers,\nJane Doe"), ("Jane", "Doe")),
    Planted("tilde signature", _post("Homework 9", footer="~Jane"), ("Jane",)),
    Planted("name alone on the last line", _post("Homework 9", footer="Kwame Mensah"), ("Kwame", "Mensah")),
    # the file name
    Planted("file name, lower case", _post("Homework 9", aside="Jane redid part (b)."), ("Jane",),
            source="posts/jane_doe_hw9.pdf"),
    Planted("file name, camel case", _post("Homework 9", aside="Doe redid part (b)."), ("Doe", "DoeJane"),
            source="posts/HW9-DoeJane.txt"),
    Planted("file name, last name first", _post("Homework 9", aside="Jane redid part (b)."), ("Doe", "Jane"),
            source="posts/Doe_Jane_HW9.pdf"),
    Planted("file name after homework words", _post("Homework 9"), ("Jane", "Doe"),
            source="posts/hw9_chatgpt_log_jane_doe.md"),
    Planted("student folder", _post("Homework 9", aside="Doe redid part (b)."), ("Jane", "Doe"),
            source="submissions/jane_doe/hw9.txt"),
    # what the reader knew: the PDF's author metadata
    Planted("PDF author metadata", _post("Homework 9", aside="Jane redid part (b)."), ("Jane", "Doe"),
            extra=("Jane Doe",)),
    # the roster, the strongest source: a name with no layout around it
    Planted("roster name in prose", _post("Homework 9", aside="Mei Lin and Jane Doe worked together; Lin wrote it up."),
            ("Mei", "Lin", "Jane", "Doe"), roster=True),
]
