"""Per-homework knowledge as data plus a plug-in registered by name.

A homework is a folder: its answer key ``data/homeworks/<name>/key.toml`` (parts, phrasings,
kinds, reference answers, with any template files beside it) and, when it needs logic that
cannot be data, a plug-in package ``tractor/homeworks/<name>/`` whose :class:`Homework` subclass
is registered with :func:`register` (reference implementations in PyTorch and sympy, and any
claim kinds of its own, registered with :func:`tractor.kinds.register`). A homework kept
outside the repository is one folder holding both, listed in ``TRACTOR_HOMEWORKS``; an installed
package may also expose a ``tractor.homeworks`` entry point. The core never tests a homework's
name: adding HW10 touches no file outside its folders.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
import sys
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Mapping

from ..answer_key import AnswerKey, load_key
from ..errors import TractorError
from ..paths import data_dir

class Homework:
    """Base class of a homework plug-in. Subclasses set ``name`` and may override
    :meth:`reference_checks`; the key is read from the data folder on first use."""

    name: str = ""

    @property
    def key(self) -> AnswerKey:
        return _key_for(self.name)

    def reference_checks(self) -> Mapping[str, Any]:
        """Part id -> callable that judges a claim on that part (see tractor.verify)."""
        return {}


_REGISTRY: dict[str, type[Homework]] = {}


def register(cls: type[Homework]) -> type[Homework]:
    """Class decorator: make a homework plug-in available under ``cls.name``."""
    if not cls.name:
        raise TractorError(f"homework plug-in {cls.__qualname__} has no name")
    _REGISTRY[cls.name] = cls
    return cls


def folders() -> dict[str, Path]:
    """Homework name -> the folder holding its ``key.toml``: every folder of the data
    directory's ``homeworks/``, then each folder listed in ``TRACTOR_HOMEWORKS`` (separated by
    the OS path separator), which is a homework kept outside the repository: its key and, when
    it has logic, its plug-in (``__init__.py`` beside the key)."""
    found = {p.name: p for p in sorted((data_dir() / "homeworks").glob("*")) if (p / "key.toml").is_file()}
    return found | {folder.name: folder for folder in _outside_folders()}


def _outside_folders() -> list[Path]:
    folders = [Path(entry).expanduser().resolve()
               for entry in os.environ.get("TRACTOR_HOMEWORKS", "").split(os.pathsep) if entry]
    for folder in folders:
        if not (folder / "key.toml").is_file():
            raise TractorError(f"TRACTOR_HOMEWORKS: {folder} holds no key.toml")
    return folders


@cache
def _key_for(name: str) -> AnswerKey:
    folder = folders().get(name)
    if folder is None:
        raise TractorError(f"no answer key for homework {name!r}")
    return load_key(folder / "key.toml")


@cache
def discover() -> None:
    """Import every plug-in once: this package's homework folders, the ``__init__.py`` of each
    outside homework folder, and installed packages' ``tractor.homeworks`` entry points.
    Plug-ins register their homework (and any claim kinds of their own) as they are imported."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    for folder in _outside_folders():
        if (folder / "__init__.py").is_file():
            _import_folder(folder.name, folder)
    for ep in entry_points(group="tractor.homeworks"):
        ep.load()


def _import_folder(name: str, folder: Path) -> None:
    module = f"tractor_homework_{name}"
    spec = importlib.util.spec_from_file_location(module, folder / "__init__.py",
                                                  submodule_search_locations=[str(folder)])
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[module] = loaded
    spec.loader.exec_module(loaded)


def names() -> list[str]:
    """Every homework with a plug-in or a key file, sorted."""
    discover()
    return sorted(set(folders()) | set(_REGISTRY))


def get(name: str) -> Homework:
    """The plug-in for ``name``; a homework with only a key file gets the base class."""
    discover()
    if name in _REGISTRY:
        return _REGISTRY[name]()
    if name in folders():
        return type(f"Homework_{name}", (Homework,), {"name": name})()
    raise TractorError(f"unknown homework {name!r}; known: {', '.join(names()) or 'none'}")
