"""Imported once by the build's fork server (see ``executor.WORKER_PRELOAD``), before it forks
the build workers: loads what every worker needs — the spaCy pipeline, the segmenter and the
label classifiers, the homework plug-ins — so that each worker starts warm (about 7 s of CPU
each otherwise) and the workers share those pages copy-on-write instead of holding a copy each.

Everything loaded so far is then moved out of the garbage collector's reach (``gc.freeze``): a
collection in a worker would otherwise write to every object's header and turn the shared pages
into private copies.

Large blocks are given back to the system when freed (``mallopt``): the verifier's Monte-Carlo
references allocate tensors of several MB for a moment, and glibc's adaptive threshold would
otherwise keep them in a heap that, fragmented by the small results it caches, stays at
about 170 MB per worker after the first file.

A failure here is not reported: a worker then loads lazily as a single process does, and meets
(and records) the same error itself.
"""

from __future__ import annotations

import gc


def _warm() -> None:
    from .. import homeworks
    from ..label.learned import classifier
    from ..segment.classifier import load_model
    from ..english import english

    english()
    load_model()
    for task in ("refusal", "stance"):
        classifier(task)
    for name in homeworks.names():
        homeworks.get(name).key


def _return_large_blocks_to_the_system() -> None:
    import ctypes
    import ctypes.util

    m_mmap_threshold, one_mb = -3, 1 << 20
    ctypes.CDLL(ctypes.util.find_library("c")).mallopt(m_mmap_threshold, one_mb)


try:
    _return_large_blocks_to_the_system()
except (OSError, AttributeError):  # not glibc: its allocator has its own policy
    pass
try:
    _warm()
except Exception:  # noqa: BLE001 - see the module docstring
    pass
gc.freeze()
