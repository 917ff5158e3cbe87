"""The generic code checks on a homework of their own: a layer-norm function with blanks and a
two-layer module to patch, each defined by a template file, a harness, cases and a reference.
The blank checks run through the real sandbox; the minimal-edit search runs in-process."""

import json
from types import MappingProxyType

import pytest

from tractor.answer_key import AnswerKey, Part
from tractor.errors import TractorError
from tractor.records import Claim
from tractor.verify.code_checks import check_blanks, check_patch, minimal_edit_set
from tractor.verify.code_patch import PatchError
from tractor.verify.code_run import Case, CodeProblem

LAYER_NORM_TEMPLATE = '''import torch


def layer_norm(x, gamma, beta, eps):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim={a})
    return (x - mean) / torch.sqrt(var + {b}) * gamma + beta
'''
LAYER_NORM_HARNESS = '''
def run_case(case):
    return layer_norm(case["x"], case["gamma"], case["beta"], case["eps"]), {}
'''


def layer_norm_cases():
    import torch

    g = torch.Generator().manual_seed(0)
    return [Case({"x": torch.randn(*shape, generator=g, dtype=torch.float64),
                  "gamma": torch.rand(shape[-1], generator=g, dtype=torch.float64),
                  "beta": torch.randn(shape[-1], generator=g, dtype=torch.float64), "eps": 1e-5}, shape)
            for shape in ((2, 3, 4), (1, 5, 8))]


def layer_norm_reference(inputs, shapes):
    import torch.nn.functional as F

    x = inputs["x"]
    return F.layer_norm(x, x.shape[-1:], inputs["gamma"], inputs["beta"], inputs["eps"])


LAYER_NORM = CodeProblem(LAYER_NORM_HARNESS, layer_norm_cases, layer_norm_reference, subject="function",
                         reference_name="reference layer norm")
BLANKS = Part("1a", "blanks of layer_norm", "code_blanks", json.dumps({"a": "True", "b": "eps"}),
              extra=MappingProxyType({"template": "layer_norm.py"}))


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo")
    (path / "layer_norm.py").write_text(LAYER_NORM_TEMPLATE)
    (path / "two_layers.py").write_text(TWO_LAYERS_TEMPLATE)
    return path


def claim(part: Part, normalized: str) -> Claim:
    return Claim("t", part.id, True, 1, 0, part.kind, normalized, normalized)


# A right blank matches the reference; a wrong one that runs differs; one that does not run
# fails; a blank left unstated leaves the claim unverified.
BLANK_CLAIMS = [
    ({"a": "True", "b": "eps"}, "correct", "matches reference layer norm (max |diff|"),
    ({"A": "True", "b": " eps "}, "correct", "over 2 cases"),
    ({"a": "True", "b": "1.0"}, "incorrect", "filled function differs from reference layer norm by"),
    ({"a": "False", "b": "eps"}, "incorrect", "filled function fails: RuntimeError"),
    ({"a": "True", "b": "eps) * torch.ones(1, 2, 3, 4"}, "incorrect", "output shape [1, 2, 3, 4], expected [2, 3, 4]"),
    ({"a": "True"}, "unverified", "blanks b not stated"),
    ("a = True", "unverified", "blanks not readable as a JSON object"),
]


@pytest.mark.parametrize("blanks,verdict,detail", BLANK_CLAIMS)
def test_blanks_through_the_sandbox(folder, blanks, verdict, detail):
    key = AnswerKey("demo", "", "1", (), (BLANKS,), folder)
    outcome = check_blanks(claim(BLANKS, json.dumps(blanks)), BLANKS, key, LAYER_NORM)
    assert (outcome.verdict, detail in outcome.detail) == (verdict, True), outcome.detail


def test_a_key_without_a_folder_has_no_template():
    with pytest.raises(TractorError, match="no template for 1a"):
        check_blanks(claim(BLANKS, "{}"), BLANKS, AnswerKey("demo", "", "1", (), (BLANKS,)), LAYER_NORM)


# The minimal-edit search: the base (template plus the question's change, here a wider inner
# layer) patched with each subset of the candidates, smallest first; the first that runs with
# the asked output shape is the minimal edit set.
TWO_LAYERS_TEMPLATE = '''import torch.nn as nn


class TwoLayers(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.inner = nn.Linear(width, width)
        self.outer = nn.Linear(width, width)

    def forward(self, x):
        return self.outer(self.inner(x))
'''
TWO_LAYERS_HARNESS = '''
def run_case(case):
    import torch

    model = TwoLayers(case["width"]).double()
    with torch.no_grad():
        for param in model.parameters():  # the checker's weights
            param.fill_(0.1)
        return model(case["x"]), {name: list(param.shape) for name, param in model.named_parameters()}
'''
WIDER_INNER = "self.inner = nn.Linear(width, 2 * width)"
OUTER = "self.outer = nn.Linear(2 * width, width)"
OUTER_WIDE = "self.outer = nn.Linear(2 * width, 2 * width)"  # runs, but the output is too wide
CUT = "def forward(self, x):\n    return self.outer(self.inner(x)[..., :x.shape[-1]])"
HALVE = "def forward(self, x):\n    return self.outer(self.inner(x))[..., ::2]"
EXTRA = "self.extra = nn.Linear(width, width)"


def two_layers_cases():
    import torch

    return [Case({"width": w, "x": torch.ones(2, w, dtype=torch.float64)}, (2, w)) for w in (3, 4)]


def two_layers_reference(inputs, shapes):
    """Both layers, at the widths the patched module has, with the checker's weights."""
    import torch
    import torch.nn.functional as F

    x = inputs["x"]
    for layer in ("inner", "outer"):
        x = F.linear(x, torch.full(shapes[f"{layer}.weight"], 0.1, dtype=torch.float64),
                     torch.full(shapes[f"{layer}.bias"], 0.1, dtype=torch.float64))
    return x


def widen_in_words(text):
    return OUTER if "widen the outer layer" in text else None


TWO_LAYERS = CodeProblem(TWO_LAYERS_HARNESS, two_layers_cases, two_layers_reference, prose_edit=widen_in_words,
                         subject="module", reference_name="both layers", output_name="[batch, width]")

MINIMAL = [
    ([OUTER], (1, ("self.outer",))),
    ([EXTRA, CUT], (1, ("forward",))),
    ([OUTER, CUT], (1, ("self.outer",))),  # the first of the same size
    ([OUTER_WIDE, HALVE], (2, ("forward", "self.outer"))),  # neither runs alone
    ([EXTRA, OUTER_WIDE], PatchError),
]


def patch_part(candidates) -> Part:
    return Part("2a", "widen the inner layer", "code_patch", "",
                extra=MappingProxyType({"template": "two_layers.py", "base_change": WIDER_INNER,
                                        "candidate_edits": candidates}))


@pytest.mark.parametrize("candidates,expected", MINIMAL)
def test_minimal_edit_set(folder, request, candidates, expected):
    part = patch_part(candidates)
    key = AnswerKey(request.node.name, "", "1", (), (part,), folder)  # the search is remembered per key
    if expected is PatchError:
        with pytest.raises(PatchError, match="no subset"):
            minimal_edit_set(part, key, TWO_LAYERS)
    else:
        assert minimal_edit_set(part, key, TWO_LAYERS) == expected


# The in-process runs of the search leave the process's random state as it was.
def test_the_search_leaves_the_global_rng_alone(folder):
    import torch

    part = patch_part([OUTER])
    torch.manual_seed(7)
    minimal_edit_set(part, AnswerKey("rng", "", "1", (), (part,), folder),
                     CodeProblem(TWO_LAYERS_HARNESS.replace("import torch\n", "import torch\n    torch.manual_seed(0)\n"),
                                 two_layers_cases, two_layers_reference))
    after = torch.rand(1)
    torch.manual_seed(7)
    assert torch.equal(after, torch.rand(1))


# A patch through the sandbox: the output is compared with the reference at the patched widths,
# and the detail counts the edits against the minimal edit set.
def edits(*blocks, kind="code"):
    return json.dumps([{"type": kind, "text": b} for b in blocks])


PATCHES = [
    (edits(OUTER), "correct", "runs, output [batch, width] on 2 cases, matches both layers; edits 1 (self.outer) "
                              "vs minimal 1 (self.outer)"),
    (edits(WIDER_INNER, OUTER), "correct", "edits 1 (self.outer)"),  # restating the question's change
    (edits("widen the outer layer to take both halves", kind="prose"), "correct", "edits 1 (self.outer)"),
    (edits(OUTER, "def forward(self, x):\n    return 2 * self.outer(self.inner(x))"), "unverified",
     "runs, output [batch, width] on 2 cases, but differs by"),
    (edits(CUT), "incorrect", "fix does not run: reference not computable from the module's parameters"),
    (edits(OUTER_WIDE), "incorrect", "fix does not run: output shape [2, 6], expected [2, 3]; edits 1"),
    (edits(HALVE), "incorrect", "fix does not run: RuntimeError"),
    (edits("make it work", kind="prose"), "unverified", "no code edit to run; prose: make it work"),
]


@pytest.mark.parametrize("claimed,verdict,detail", PATCHES)
def test_patch_through_the_sandbox(folder, claimed, verdict, detail):
    part = patch_part([OUTER, CUT])
    key = AnswerKey("demo-patch", "", "1", (), (part,), folder)
    outcome = check_patch(claim(part, claimed), part, key, TWO_LAYERS)
    assert (outcome.verdict, detail in outcome.detail) == (verdict, True), outcome.detail
