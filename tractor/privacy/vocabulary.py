"""Words that are never a student's name, and the words a post itself shows to be ordinary.

With no list of every person's name to consult, a run of capitalised words is taken for a name
only where the layout says so (a title block, a field, a signature) and only if none of its words
is known to be something else: a word of a homework post's own furniture ("Homework", "Log"),
a model or its maker (from ``data/models.toml``, so a new model needs no code), a title
("Prof."), an English function word, or a word the post itself writes in lower case ("linear
attention" in the text makes "Linear Attention" a heading, not a person).
"""

from __future__ import annotations

import re
from functools import cache

from ..paths import data_dir
from .patterns import EMAIL, URL

# Lower-case words that join the parts of a name ("Ludwig van Beethoven", "María de la Cruz").
PARTICLES = frozenset("van der den de del della dela la le du da di von zu bin binti ibn al el dos das do ter ten".split())
# Words before a name that make it staff, not a student.
TITLES = frozenset("prof professor dr mr mrs ms mx sir instructor lecturer ta gsi tutor".split())
# The furniture of a homework post and of a chat page: headings made of these are not people.
_FURNITURE = """
homework hw assignment assignments problem problems question questions part parts solution solutions
answer answers note notes log logs chat chats transcript transcripts conversation conversations session
sessions report writeup submission submissions draft final midterm exam quiz lab labs project projects
section sections week lecture lectures discussion course courses class semester term fall spring summer
winter quarter appendix introduction summary abstract conclusion conclusions overview prompt prompts
response responses reply model models assistant assistants user users student students staff team group
university college institute school department dept faculty page pages figure figures table tables file
files code output input example examples exercise exercises worksheet task tasks step steps shared share
link via using ai llm llms bot chatbot name date due total points score grade version update edit edited
attempt attempts reflection reflections analysis evaluation results result review feedback interaction
experience usage use learning deep machine neural network networks theory notebook slides reading
readings derivation proof proofs lemma theorem definition method methods approach appendix references
bibliography acknowledgements acknowledgments contents chapter unit module topic topics hello hi hey dear
thanks thank regards best cheers sincerely yours welcome monday tuesday wednesday thursday friday
saturday sunday january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec today yesterday new old first second third last next
english spanish chinese print printed export exported download downloaded copy pasted web app desktop
mobile free plus enterprise edu online post posts thread threads forum
sample samples demo test tests data dataset fixture fixtures markdown cell cells
submitted posted written prepared created uploaded authored compiled signed pdf txt md html htm json tex docx
"""
# Model and product names that the model table does not list by a word of their own.
_PRODUCTS = """
gpt chatgpt openai claude anthropic gemini bard google grok xai llama meta mistral mixtral copilot bing
microsoft deepseek qwen alibaba gemma kimi moonshot perplexity phi sonnet opus haiku flash pro ultra nano
mini turbo thinking instant codex cursor cohere command falcon vicuna alpaca poe character github
overleaf latex python pytorch tensorflow jax numpy jupyter colab piazza edstem canvas gradescope
wolfram mathematica matlab notion
"""
_WORD = re.compile(r"[^\W\d_]+")


@cache
def not_name_words() -> frozenset[str]:
    """Lower-case words that are never part of a student's name."""
    return frozenset(_FURNITURE.split()) | frozenset(_PRODUCTS.split()) | TITLES | model_words() | function_words()


@cache
def function_words() -> frozenset[str]:
    """English function words ("the", "or", "in"): spaCy's stop words."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


@cache
def model_words() -> frozenset[str]:
    """Every word of a model family or maker in ``data/models.toml``: names that must stay."""
    import tomllib

    with open(data_dir() / "models.toml", "rb") as handle:
        table = tomllib.load(handle)
    names = [m.get("family", "") for m in table.get("model", [])]
    names += [maker for m in table.get("model", []) for maker in m.get("makers", [])]
    return frozenset(w.lower() for name in names for w in _WORD.findall(name))


@cache
def homework_words() -> frozenset[str]:
    """The words of the homework bank's own texts: a heading made only of these is the
    homework's, and the people it names (its authors, a theorem's) are not students."""
    words: set[str] = set()
    for path in sorted((data_dir() / "homeworks").rglob("*")):
        if path.is_file() and path.suffix in {".toml", ".md", ".txt", ".tex"}:
            words.update(w.lower() for w in _WORD.findall(path.read_text(encoding="utf-8", errors="replace")))
    return frozenset(words)


class PostWords:
    """The words a post writes in lower case (addresses left out: "jane.doe@..." says nothing)."""

    def __init__(self, text: str):
        text = URL.sub(" ", EMAIL.sub(" ", text))
        self._lower = {w for w in _WORD.findall(text) if w.islower() and len(w) >= 3}

    def is_word(self, token: str) -> bool:
        """``token`` (any case) is a word the post also writes in lower case."""
        parts = [p for p in re.split(r"['’\-]", token.lower()) if p]
        return token.lower() in self._lower or bool(parts) and all(p in self._lower for p in parts)
