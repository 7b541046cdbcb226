"""Compiled steps (a plan rewrite of runtime/rewrite.py, option `compiled_kernels`): with numba
installed, steps whose NumPy kernels make several passes over memory call one compiled loop of
kernels/compiled.py instead: relu(x + bias) becomes one step, and the 2-D softmax cross-entropy
one loop per row. (The optimizer updates' compiled loops are chosen by specialize.direct_update.)
Without numba the plan is unchanged.
"""
from ..kernels import compiled, fused
from .rewrite import producers, value_readers

_BIAS_ADDS = ("Add", "AddV2", "BiasAdd")


def compiled_steps(steps, live):
    """The steps with compiled kernels where they apply; `live` are the fetched slots."""
    if not compiled.available():
        return steps
    producer, readers = producers(steps), value_readers(steps)
    fused_away = set()
    for st in steps:
        if st.fn is fused.softmax_xent_2d:
            st.fn = compiled.softmax_xent_2d
            st.tags.append("compiled")
        elif st.op.type == "Relu" and st.memo is None and isinstance(st.ins[0], int):
            add = producer.get(st.ins[0])
            if (add is not None and _is_bias_add(add) and st.ins[0] not in live
                    and len(readers.get(st.ins[0], ())) == 1):
                into_x = getattr(add.fn, "position", None) == 0
                st.fn, st.ins = _bias_relu(into_x), list(add.ins)
                st.tags = [t for t in st.tags if t != "inplace_out"] + \
                    ["compiled"] + (["inplace_out"] if into_x else [])
                fused_away.add(id(add))
    return [st for st in steps if id(st) not in fused_away]


def _is_bias_add(st):
    """x + bias for a matrix x and a vector bias over its columns (shapes known statically)."""
    op = st.op
    if op.type not in _BIAS_ADDS or st.memo is not None or len(st.ins) != 2 or \
            op.attrs.get("data_format", "NHWC") not in (None, "NHWC"):
        return False
    x, bias = op.inputs
    return (x.shape.ndims == 2 and bias.shape.ndims == 1 and x.dtype.is_floating
            and x.dtype == bias.dtype)


def _bias_relu(into_x):
    """relu(x + bias), written into x where the add was allowed to write into it (a fresh
    array of this run that nothing else reads: runtime/inplace.py)."""
    if into_x:
        return lambda x, bias: compiled.bias_relu(x, bias, out=x)
    return compiled.bias_relu
