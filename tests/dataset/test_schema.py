"""The claims config's columns: every Claim field documented for the card, facts as JSON text."""

from dataclasses import fields

from tractor.dataset.schema import CLAIM_COLUMNS, arrow_schema
from tractor.records import Claim


def test_claim_columns_are_documented_in_order():
    assert list(CLAIM_COLUMNS) == [f.name for f in fields(Claim)] == [f.name for f in arrow_schema("claims")]


def test_facts_column_is_text():
    assert str(arrow_schema("claims").field("facts").type) == "string"
