"""Rows for the source, variable, control-flow and optimizer-update ops (tested elsewhere)."""
from .harness import Case

STATE_CASES = [
    Case("Const", tested_by="tests/test_session.py"),
    Case("Placeholder", tested_by="tests/test_session.py"),
]
