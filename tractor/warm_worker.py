"""Imported once by the build's fork server (see ``pipeline._WORKER_PRELOAD``), before it forks
the build workers: loads what every worker needs — the spaCy pipeline, the segmenter and the
label classifiers, the homework plug-ins — so that each worker starts warm (about 7 s of CPU
each otherwise) and the workers share those pages copy-on-write instead of holding a copy each.

Everything loaded so far is then moved out of the garbage collector's reach (``gc.freeze``): a
collection in a worker would otherwise write to every object's header and turn the shared pages
into private copies.

A failure here is not reported: a worker then loads lazily as a single process does, and meets
(and records) the same error itself.
"""

from __future__ import annotations

import gc


def _warm() -> None:
    from . import homeworks
    from .label.learned import classifier
    from .segment.classifier import load_model
    from .segment.english import english

    english()
    load_model()
    for task in ("refusal", "stance"):
        classifier(task)
    for name in homeworks.names():
        homeworks.get(name).key


try:
    _warm()
except Exception:  # noqa: BLE001 - see the module docstring
    pass
gc.freeze()
