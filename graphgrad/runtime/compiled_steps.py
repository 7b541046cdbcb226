"""Compiled steps (a plan rewrite of runtime/rewrite.py, option `compiled_kernels`): with numba
installed, steps whose NumPy kernels make several passes over memory call one compiled loop of
kernels/compiled.py instead: relu(x + bias) and softmax(x + bias) become one step each, a ReLU
gradient written into its input one pass; the 2-D softmax, its cross-entropy and the log-softmax
gradient run one loop per row. (The compiled optimizer updates are chosen by
specialize.direct_update.) Without numba the plan is unchanged.
"""
import os

from ..kernels import compiled, fused
from . import inplace
from .rewrite import producers, value_readers

_BIAS_ADDS = ("Add", "AddV2", "BiasAdd")
# NumPy kernels the earlier rewrites chose -> their compiled forms (same arguments)
_SWAPS = {fused.softmax_xent_2d: compiled.softmax_xent_2d, fused.softmax_2d: compiled.softmax_2d,
          fused.softmax_log_grad: compiled.softmax_log_grad,
          inplace.relu_grad_into: lambda grad, y: compiled.relu_grad(grad, y, out=grad)}


# A plan first runs NumPy's kernels and is rebuilt with the compiled ones for its SWITCH_AT-th
# run: importing numba and loading the loops takes about half a second, which a short script
# (the seed's 1000 steps of 150 us) would not win back. A run count, not a clock, decides, so a
# program switches at the same step on every run and machine (the softmax loops round
# differently from NumPy's, within float32: results must not depend on timing).
# GRAPHGRAD_JIT=eager compiles when the plan is built; GRAPHGRAD_JIT=0 never.
SWITCH_AT = 2000


def compile_at_build():
    return os.environ.get("GRAPHGRAD_JIT") == "eager" and compiled.available()


class Tier:
    """Counts a plan's runs; `due()` at run SWITCH_AT (where numba is available)."""

    def __init__(self):
        self.runs = 0

    def due(self):
        self.runs += 1
        return self.runs == SWITCH_AT and compiled.available()


def would_compile(steps, live):
    """Some step would run a compiled kernel (numba installed, not switched off; numba is not
    imported to find out)."""
    return compiled.installed() and bool(
        _matches(steps, live) or any(compiled.inplace_update(_update_rule(st), check=False)
                                     for st in steps))


def _update_rule(st):
    """The NumPy in-place rule of a direct optimizer update step, or None."""
    return getattr(st.fn, "update_rule", None)


def compiled_steps(steps, live):
    """The steps with compiled kernels where they apply; `live` are the fetched slots."""
    if not compiled.available():
        return steps
    fused_away = set()
    for st, fuse, add in _matches(steps, live):
        if fuse is None:
            st.fn = _SWAPS[st.fn]
            st.tags.append("compiled")
            continue
        into_x = getattr(add.fn, "position", None) == 0
        st.fn, st.ins = fuse(into_x), list(add.ins)
        st.tags = [t for t in st.tags if t != "inplace_out"] + \
            ["compiled"] + (["inplace_out"] if into_x else [])
        fused_away.add(id(add))
    return [st for st in steps if id(st) not in fused_away]


def _matches(steps, live):
    """[(step, None, None)] for a kernel swap, [(step, fusion, the add step)] for a bias add
    fused into the step it feeds."""
    producer, readers = producers(steps), value_readers(steps)
    found = []
    for st in steps:
        fuse = _BIAS_FUSIONS.get(st.op.type)
        if st.op.type == "Softmax" and st.fn is not fused.softmax_2d:
            fuse = None  # not a 2-D float softmax (specialize_kernels chose that kernel)
        add = None
        if fuse is not None and st.memo is None and isinstance(st.ins[0], int):
            add = producer.get(st.ins[0])
            if not (add is not None and _is_bias_add(add) and st.ins[0] not in live
                    and len(readers.get(st.ins[0], ())) == 1):
                add = None
        if add is not None:
            found.append((st, fuse, add))
        elif st.fn in _SWAPS:
            found.append((st, None, None))
    return found


def _is_bias_add(st):
    """x + bias for a matrix x and a vector bias over its columns (shapes known statically)."""
    op = st.op
    if op.type not in _BIAS_ADDS or st.memo is not None or len(st.ins) != 2 or \
            op.attrs.get("data_format", "NHWC") not in (None, "NHWC"):
        return False
    x, bias = op.inputs
    return (x.shape.ndims == 2 and bias.shape.ndims == 1 and x.dtype.is_floating
            and x.dtype == bias.dtype)


def _bias_into(kernel):
    """`kernel(x, bias, out=None)` as a step; writing into x where the add was allowed to (a
    fresh array of this run that nothing else reads: runtime/inplace.py)."""
    def make(into_x):
        if into_x:
            return lambda x, bias: kernel(x, bias, out=x)
        return kernel
    return make


# Steps an x + bias feeds, by op type, fused with the add into one compiled step.
_BIAS_FUSIONS = {"Relu": _bias_into(compiled.bias_relu),
                 "Softmax": _bias_into(compiled.bias_softmax)}
