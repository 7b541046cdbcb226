"""Runs the shared checks over every row of cases.py, and checks every op has a row."""
import os

import pytest

from graphgrad.graph.registry import registered_op_types

from .cases import CASES
from .harness import check_forward, check_gradients

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DRIVEN = [c for c in CASES if c.tested_by is None]
FORWARD = [(c, s, d) for c in DRIVEN for s in c.shapes for d in c.dtypes]
GRADIENT = [(c, s) for c in DRIVEN if c.order > 0 for s in c.shapes]


def _id(c, shapes, *rest):
    return f"{c.id}-{'x'.join(str(list(s)) for s in shapes)}" + "".join(f"-{r}" for r in rest)


@pytest.mark.parametrize("case,shapes,dtype", FORWARD,
                         ids=[_id(*p) for p in FORWARD])
def test_forward_matches_numpy_and_static_shape(case, shapes, dtype):
    check_forward(case, shapes, dtype)


@pytest.mark.parametrize("case,shapes", GRADIENT, ids=[_id(*p) for p in GRADIENT])
def test_gradients_match_finite_differences(case, shapes):
    check_gradients(case, shapes)


def test_every_registered_op_has_a_row():
    covered = {c.op for c in CASES}
    missing = sorted(set(registered_op_types()) - covered)
    assert not missing, f"ops without a row in tests/ops/cases.py: {missing}"


@pytest.mark.parametrize("case", [c for c in CASES if c.tested_by], ids=lambda c: c.id)
def test_rows_tested_elsewhere_name_a_test_that_mentions_the_op(case):
    path = os.path.join(ROOT, case.tested_by)
    assert os.path.exists(path), f"{case.tested_by} does not exist"
    assert case.op in open(path).read(), f"{case.tested_by} never mentions {case.op}"


def test_every_driven_row_has_shapes():
    assert all(c.shapes for c in DRIVEN), [c.id for c in DRIVEN if not c.shapes]
