"""Rows for ops/training_ops.py: the fused optimizer updates write variables, so the shared
checks cannot drive them; test_optimizers.py runs each against a NumPy reference of TF's rule."""
from .harness import Case

_BY = "tests/test_optimizers.py"

TRAIN_CASES = [
    Case(op, tested_by=_BY)
    for op in ("ApplyGradientDescent", "ApplyMomentum", "ApplyAdam", "ApplyAdagrad",
               "ApplyRMSProp", "ApplyCenteredRMSProp", "ApplyAdadelta")
]
