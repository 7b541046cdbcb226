"""Rows for the input-pipeline ops (dataset_ops/iterator.py, ops/queue_ops.py): stateful, so
their behaviour is tested in their own files."""
import graphgrad.data  # noqa: F401 - registers the iterator ops

from .harness import Case

DATA = "tests/test_data.py"
QUEUES = "tests/test_queues.py"

INPUT_CASES = [
    Case("MakeIterator", tested_by=DATA),
    Case("IteratorGetNext", tested_by=DATA),
    Case("QueueEnqueueV2", tested_by=QUEUES),
    Case("QueueEnqueueManyV2", tested_by=QUEUES),
    Case("QueueDequeueV2", tested_by=QUEUES),
    Case("QueueDequeueManyV2", tested_by=QUEUES),
    Case("QueueDequeueUpToV2", tested_by=QUEUES),
    Case("QueueCloseV2", tested_by=QUEUES),
    Case("QueueSizeV2", tested_by=QUEUES),
    Case("LimitEpochs", tested_by=QUEUES),
]
