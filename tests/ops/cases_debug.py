"""Rows for the debugging and summary ops: ops/logging_ops.py, ops/check_ops.py, summary/."""
import graphgrad as tf

from .harness import Case

DEBUG = "tests/test_debug_ops.py"
SUMMARY = "tests/test_summary.py"

DEBUG_CASES = [
    # Identities on their first input: forward, shapes and gradients are checked like Identity.
    Case("CheckNumerics", lambda x: tf.check_numerics(x, "row"), lambda x: x,
         [((3, 4),), ((0, 2),), ((),)]),
    Case("Print", lambda x: tf.Print(x, [x], "row", first_n=0), lambda x: x,
         [((3, 4),), ((0, 2),), ((),)]),
    Case("PrintV2", tested_by=DEBUG),
    Case("Assert", tested_by=DEBUG),
    Case("ScalarSummary", tested_by=SUMMARY),
    Case("HistogramSummary", tested_by=SUMMARY),
    Case("ImageSummary", tested_by=SUMMARY),
    Case("TensorSummaryV2", tested_by=SUMMARY),
    Case("MergeSummary", tested_by=SUMMARY),
]
