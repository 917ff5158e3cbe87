"""Per-homework knowledge as data plus a plug-in registered by name.

Each homework has an answer key in ``data/homeworks/<name>/key.toml`` (parts, phrasings, kinds,
reference answers) and a plug-in class registered with :func:`register` that adds what cannot be
data: reference implementations in PyTorch and sympy. Adding HW10 means adding a key file and a
module (in this package, or any installed package exposing a ``tractor.homeworks`` entry point);
the core never tests a homework's name.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from importlib.metadata import entry_points
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


@cache
def _key_for(name: str) -> AnswerKey:
    return load_key(data_dir() / "homeworks" / name / "key.toml")


@cache
def _discover() -> None:
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    for ep in entry_points(group="tractor.homeworks"):
        ep.load()


def names() -> list[str]:
    """Every homework with a plug-in or a key file, sorted."""
    _discover()
    keyed = {p.name for p in (data_dir() / "homeworks").glob("*") if (p / "key.toml").is_file()}
    return sorted(keyed | set(_REGISTRY))


def get(name: str) -> Homework:
    """The plug-in for ``name``; a homework with only a key file gets the base class."""
    _discover()
    if name in _REGISTRY:
        return _REGISTRY[name]()
    if (data_dir() / "homeworks" / name / "key.toml").is_file():
        return type(f"Homework_{name}", (Homework,), {"name": name})()
    raise TractorError(f"unknown homework {name!r}; known: {', '.join(names()) or 'none'}")
