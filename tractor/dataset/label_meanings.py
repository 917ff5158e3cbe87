"""What a label means, for a reader of the dataset: the labeller's definitions and explanations,
and the dataset's own definitions (from its card) for a label the labeller no longer has."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .view import Dataset


def explain(ds: Dataset, label: str) -> str:
    """One line on what a label means, for the key findings: the labeller's explanation table
    (:func:`tractor.label.explanations`: an ``other_error`` says which errors it gathers), else
    the dataset's definition of a label the labeller no longer has."""
    from ..label import explanations

    text = explanations().get(label) or ds.label_definitions.get(label) or "not a label the labeller defines"
    return text if text.endswith(".") else text + "."


def default_label_definitions() -> dict[str, str]:
    """The labeller's definitions; empty when the labeller is not installed (the report then
    lists the label names it finds, without definitions)."""
    try:
        from ..label import definitions
    except ImportError:
        return {}
    return definitions()
