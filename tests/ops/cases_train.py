"""Rows for ops/training_ops.py (the fused optimizer updates; tested in test_optimizers.py)."""

TRAIN_CASES = []
