"""``tractor check``: one claim judged from the command line, as text or JSON."""

import json

import pytest
from click.testing import CliRunner

from tractor.cli import main


# the verdict, the parsed form and the reason, on a key part or against a reference
@pytest.mark.parametrize("args, verdict, parsed", [
    ([r"$s = \sqrt{d_k}$", "--part", "1c"], "correct", "sqrt(d)"),
    (["s = sqrt(d)", "--part", "1c", "--homework", "hw09"], "correct", "sqrt(d)"),
    (["$s = d^2$", "--part", "1c"], "incorrect", "d**2"),
    (["$x = 11$", "--reference", "11"], "correct", "Eq(x, 11)"),
    (["The answer is nine", "--reference", "9"], "unverified", ""),
])
def test_check_json(args, verdict, parsed):
    result = CliRunner().invoke(main, ["check", *args, "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert (out["verdict"], out["parsed"]) == (verdict, parsed) and out["reason"]


def test_check_text():
    result = CliRunner().invoke(main, ["check", "$s = d^2$", "--part", "1c"])
    assert result.exit_code == 0 and result.output.startswith("incorrect") and "parsed: d**2" in result.output


# usage errors: exactly one of --part / --reference; an unknown part is a clear error
@pytest.mark.parametrize("args, code, message", [
    (["s = d"], 2, "--part or --reference"),
    (["s = d", "--part", "1c", "--reference", "d"], 2, "--part or --reference"),
    (["s = d", "--reference", "d", "--homework", "hw09"], 2, "--homework goes with --part"),
    (["s = d", "--part", "9z"], 1, "9z"),
])
def test_check_errors(args, code, message):
    result = CliRunner().invoke(main, ["check", *args])
    assert result.exit_code == code and message in result.output
