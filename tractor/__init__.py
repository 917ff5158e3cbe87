"""tractor: turn "LLM on the homework" posts into a verified dataset and a retrospective report.

The public API is small: :func:`tractor.pipeline.build_dataset` builds a dataset folder from a
corpus; the record types live in :mod:`tractor.records`. Heavy libraries (torch, spaCy,
pypdfium2, datasets) are imported inside the steps that need them, so importing this package
and running ``tractor --help`` stay fast.
"""

__version__ = "0.1.0"
