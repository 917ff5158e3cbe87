"""What a label means for a reader: the labeller's explanation, else the dataset's definition."""

from pathlib import Path

import pytest

from tractor.dataset.label_meanings import explain
from tractor.dataset.view import Dataset
from tractor.label import LABEL_EXPLANATIONS

DS = Dataset(Path("ds"), "", [], [], [], [], label_definitions={"retired_label": "a label from an older build"})


# other_error is explained by the labeller's explanation table; a label the labeller no longer
# has by the dataset's definition, else as unknown.
@pytest.mark.parametrize("label, expected", [
    ("other_error", LABEL_EXPLANATIONS["other_error"].rstrip(".") + "."),
    ("retired_label", "a label from an older build."),
    ("no_such_label", "not a label the labeller defines."),
])
def test_explain(label, expected):
    assert explain(DS, label) == expected
