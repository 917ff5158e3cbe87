"""The one spaCy pipeline of a process: blank English (no model download) plus the rule-based
sentencizer.

Segmentation features, model identification, the privacy byline finder and the label detectors
all tokenise English the same way, so they share this pipeline instead of building one each:
every ``spacy.blank("en")`` costs a fraction of a second to load, and a shared tokenizer keeps one
warm cache of the strings it has already split.
"""

from __future__ import annotations

from functools import cache


@cache
def english():
    import spacy

    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    return pipeline
