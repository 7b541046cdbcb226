"""TF's error classes, and the one place that formats an op for a message (name, type, site)."""


class OpError(Exception):
    """Base of run-time errors, as `tf.errors.OpError`: carries the op that failed, when known."""

    error_code = 2

    def __init__(self, node_def=None, op=None, message=""):
        super().__init__(message)
        self.node_def = node_def
        self.op = op
        self.message = message

    def __str__(self):
        return self.message


def _error(name, code):
    cls = type(name, (OpError,), {"error_code": code})
    cls.__module__ = __name__
    return cls


CancelledError = _error("CancelledError", 1)
UnknownError = _error("UnknownError", 2)
InvalidArgumentError = _error("InvalidArgumentError", 3)
DeadlineExceededError = _error("DeadlineExceededError", 4)
NotFoundError = _error("NotFoundError", 5)
AlreadyExistsError = _error("AlreadyExistsError", 6)
PermissionDeniedError = _error("PermissionDeniedError", 7)
ResourceExhaustedError = _error("ResourceExhaustedError", 8)
FailedPreconditionError = _error("FailedPreconditionError", 9)
AbortedError = _error("AbortedError", 10)
OutOfRangeError = _error("OutOfRangeError", 11)
UnimplementedError = _error("UnimplementedError", 12)
InternalError = _error("InternalError", 13)
UnavailableError = _error("UnavailableError", 14)
DataLossError = _error("DataLossError", 15)
UnauthenticatedError = _error("UnauthenticatedError", 16)

# TF's status codes by name (tf.errors.OUT_OF_RANGE, ...), and the class raised for each.
OK = 0
_CLASSES = [CancelledError, UnknownError, InvalidArgumentError, DeadlineExceededError,
            NotFoundError, AlreadyExistsError, PermissionDeniedError, ResourceExhaustedError,
            FailedPreconditionError, AbortedError, OutOfRangeError, UnimplementedError,
            InternalError, UnavailableError, DataLossError, UnauthenticatedError]
(CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS,
 PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE, UNIMPLEMENTED,
 INTERNAL, UNAVAILABLE, DATA_LOSS, UNAUTHENTICATED) = range(1, 17)


def exception_type_from_error_code(error_code):
    """The OpError subclass TF raises for a status code."""
    for cls in _CLASSES:
        if cls.error_code == error_code:
            return cls
    raise KeyError(f"Unknown error code: {error_code}")


def error_code_from_exception_type(cls):
    return cls.error_code


def site(op):
    """'file.py:12' where the user's code created `op` (or '<unknown>')."""
    loc = getattr(op, "location", None)
    return f"{loc[0]}:{loc[1]}" if loc else "<unknown>"


def describe_op(op):
    """"'dense/MatMul' (MatMul, created at train.py:12)" — how every message names an op."""
    return f"'{op.name}' ({op.type}, created at {site(op)})"


def describe_tensor(t):
    """"'x' (Placeholder, float32 [?,784], created at train.py:12)"."""
    return f"'{t.op.name}' ({t.op.type}, {t.dtype.name} {t.shape.short()}, created at {site(t.op)})"
