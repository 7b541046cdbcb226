"""Algebraic simplification (a plan rewrite of runtime/rewrite.py): `log(softmax(x))`, the
seed program's cross-entropy, computed as log-softmax where the two differ.

log(softmax(x)) gives -inf, and the loss NaN, once a probability underflows to 0 in float32
(a logit some 104 below its row's largest), though log-softmax is finite there. The step keeps
the cheap `log` of the softmax it already has and, only when that holds a -inf, recomputes the
value as the stable log-softmax of x. Elsewhere the values are the same.
"""
import numpy as np

from ..kernels.softmax import log_softmax
from .rewrite import producers


def log_of_softmax(sm, x):
    out = np.log(sm)
    if out.size and np.minimum.reduce(out, axis=None) == -np.inf:
        return log_softmax(np, x).astype(out.dtype, copy=False)
    return out


def log_softmax_rewrite(steps):
    """Log steps reading a Softmax step's output become `log_of_softmax(sm, x)`."""
    producer = producers(steps)
    for st in steps:
        if st.op.type != "Log" or st.memo is not None or "shape_only" in st.tags:
            continue
        src = st.ins[0] if len(st.ins) == 1 else None
        sm = producer.get(src) if isinstance(src, int) else None
        if (sm is None or sm.op.type != "Softmax" or not isinstance(sm.ins[0], int)
                or not st.op.outputs[0].dtype.is_floating):
            continue
        st.fn = log_of_softmax
        st.ins = [src, sm.ins[0]]
        st.tags.append("log_softmax")
    return steps
