"""Identifiers recognised by their shape alone: share links, e-mail addresses, student IDs."""

from __future__ import annotations

import re

LINK_REPLACEMENT = "[link removed]"

_URL_CHARS = r"[^\s)\]>\"'<`]"
_URL_END = r"[^\s)\]>\"'<`.,;:!?]"
# The leading lookahead names every first letter a link can have (http, www and the hosts): it
# changes no match, and spares trying every host at every position of a long text.
LINK = re.compile(
    r"(?=[hwcgpe])(?:https?://)?(?:www\.)?(?:chatgpt\.com/(?:share|c|g)/|chat\.openai\.com/|claude\.ai/(?:chat|share)/"
    r"|gemini\.google\.com/(?:share|app)/|g\.co/gemini/share/|grok\.com/(?:share|c|chat)/|poe\.com/s/"
    r"|perplexity\.ai/(?:search|page)/|chat\.deepseek\.com/|edstem\.org/\S*?/discussion/)"
    rf"(?:{_URL_CHARS}*{_URL_END})?"
    rf"|https?://{_URL_CHARS}*?/share/(?:{_URL_CHARS}*{_URL_END})?",
    re.IGNORECASE,
)
# Any web address: only used to keep addresses out of the post's vocabulary.
URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# Not followed by "(" or a word character: "Q@K.transpose(" and "x@W.T" are matrix products.
EMAIL = re.compile(
    r"(?<![\w.+%-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}(?![\w(@])"
)
# A student ID after its label: digits, or letters and digits ("A01234567", "s1234567").
_ID_VALUE = r"(?:[A-Za-z]{0,3}\d{5,10}[A-Za-z]?)"
STUDENT_ID = re.compile(
    r"(?i:\b(?:sid|student\s*(?:id|number|no\.?|\#)|matric(?:ulation)?(?:\s*(?:no\.?|number))?|"
    r"(?:university|student|campus)\s+id)\b\s*(?:[:#=]|is)?\s*|\bid\s*[:#]\s*)"
    rf"({_ID_VALUE})(?![\w-])"
)
# Unlabelled letters-and-digits IDs, in the formats universities use (one or two letters then
# 7-9 digits: "A01234567", "s1234567", "u7654321", "z5123456"). Digits alone are an ID only
# after a label or in a post's title block: "12345678 tokens" is a number.
ALNUM_ID = re.compile(r"(?<![\w\-.])[A-Za-z]{1,2}\d{7,9}(?![\w\-])")
# Digits alone that a title block gives as an ID ("3031234567 – Jane Doe – AI log").
DIGIT_ID = re.compile(r"(?<![\w\-.])\d{7,10}(?![\w\-.])")
