"""Fixtures of the report tests: the fixture dataset written once per session."""

import pytest

from report_rows import ROWS, card_for
from tractor.dataset.writer import write_dataset


@pytest.fixture(scope="session")
def dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report") / "dataset"
    write_dataset(folder, ROWS, card_for(ROWS))
    return folder


@pytest.fixture(scope="session")
def empty_dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report-empty") / "dataset"
    write_dataset(folder, {}, card_for({}))
    return folder
