"""Rows for the embedding ops: both are stateful (a variable write, a random sampler), so their
behaviour is checked in tests/test_embeddings.py."""
from .harness import Case

EMBEDDING = "tests/test_embeddings.py"

EMBEDDING_CASES = [
    Case("ScatterSub", tested_by=EMBEDDING),
    Case("LogUniformCandidateSampler", tested_by=EMBEDDING),
]
