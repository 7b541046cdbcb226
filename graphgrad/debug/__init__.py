"""graphgrad.debug: look at a graph without running it (explain) and draw it (DOT, HTML/SVG).

The run-time tools (tf.Print, check_numerics, asserts) are ops: see ops/logging_ops.py and
ops/check_ops.py.
"""
from ..graph.operation import Operation
from ..graph.tensor import Tensor
from ..runtime.session import GraphGrowthWarning
from .explain import explain, explain_text
from .graph_view import to_dot, to_html
from .memory import PeakMemory, peak_memory
from .timeline import Timeline, profile_summary
from .wrappers import (
    DebugWrapperSession,
    DumpDir,
    DumpingDebugWrapperSession,
    NonFiniteError,
    NonFiniteReport,
    has_inf_or_nan,
)


def _explain_method(self, feed_dict=None, file=None):
    """What running this op or tensor would do: see graphgrad.explain."""
    return explain(self, feed_dict=feed_dict, file=file)


Operation.explain = _explain_method
Tensor.explain = _explain_method

__all__ = ["explain", "explain_text", "to_dot", "to_html", "Timeline", "profile_summary",
           "DebugWrapperSession", "DumpingDebugWrapperSession", "DumpDir", "NonFiniteError",
           "NonFiniteReport", "has_inf_or_nan", "GraphGrowthWarning", "peak_memory",
           "PeakMemory"]
