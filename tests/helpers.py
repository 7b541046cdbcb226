"""Small helpers shared by the test modules."""


def line_of(path, marker):
    """The 1-based line of `path` holding `marker` (to check recorded creation sites)."""
    with open(path) as f:
        for i, line in enumerate(f, start=1):
            if marker in line and "line_of(" not in line:
                return i
    raise AssertionError(f"{marker!r} not found in {path}")
