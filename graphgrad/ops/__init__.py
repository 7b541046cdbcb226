"""One module per op family; each op is one registry block plus its public function."""
# The math ops first, whichever op module a program loads first: the op modules import one
# another in cycles that resolve only in this order.
from . import math_ops  # noqa: F401
