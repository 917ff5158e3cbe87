"""HW42's plug-in: the reference computation for question 5, the only part data cannot check.

Loaded by path from this folder (listed in ``TRACTOR_HOMEWORKS``); the claimed blanks are filled
into ``layer_norm.py`` and run in the sandbox by tractor's generic code check, against
PyTorch's own layer norm computed here.
"""

from tractor.homeworks import Homework, register
from tractor.verify.code_checks import check_blanks
from tractor.verify.code_run import Case, CodeProblem

HARNESS = '''
def run_case(case):
    return layer_norm(case["x"], case["gamma"], case["beta"], case["eps"]), {}
'''


def cases():
    import torch

    g = torch.Generator().manual_seed(42)
    return [Case({"x": torch.randn(*shape, generator=g, dtype=torch.float64),
                  "gamma": torch.rand(shape[-1], generator=g, dtype=torch.float64),
                  "beta": torch.randn(shape[-1], generator=g, dtype=torch.float64), "eps": 1e-5}, shape)
            for shape in ((2, 4), (3, 2, 8))]


def reference(inputs, shapes):
    import torch.nn.functional as F

    x = inputs["x"]
    return F.layer_norm(x, x.shape[-1:], inputs["gamma"], inputs["beta"], inputs["eps"])


LAYER_NORM = CodeProblem(HARNESS, cases, reference, subject="layer_norm", reference_name="torch's layer_norm")


@register
class HW42(Homework):
    name = "hw42"

    def reference_checks(self):
        return {"5a": lambda claim, part, key: check_blanks(claim, part, key, LAYER_NORM)}
