"""`tf.logging`: TF1's logging functions on Python's `logging`, through the "tensorflow" logger
(so `logging.getLogger("tensorflow")` configures them, as with TF)."""
import logging as _logging
import sys as _sys
import threading as _threading

DEBUG = _logging.DEBUG
INFO = _logging.INFO
WARN = _logging.WARN
ERROR = _logging.ERROR
FATAL = _logging.FATAL

_logger = None
_lock = _threading.Lock()
_counts = {}


def get_logger():
    """The "tensorflow" logger; like TF it prints "INFO:tensorflow:..." lines to stderr when the
    program has configured no logging of its own."""
    global _logger
    if _logger is None:
        with _lock:
            if _logger is None:
                logger = _logging.getLogger("tensorflow")
                if not _logging.getLogger().handlers and not logger.handlers:
                    handler = _logging.StreamHandler(_sys.stderr)
                    handler.setFormatter(_logging.Formatter(_logging.BASIC_FORMAT))
                    logger.addHandler(handler)
                    logger.propagate = False
                _logger = logger
    return _logger


def log(level, msg, *args, **kwargs):
    get_logger().log(level, msg, *args, **kwargs)


def debug(msg, *args, **kwargs):
    get_logger().debug(msg, *args, **kwargs)


def info(msg, *args, **kwargs):
    get_logger().info(msg, *args, **kwargs)


def warning(msg, *args, **kwargs):
    get_logger().warning(msg, *args, **kwargs)


warn = warning


def error(msg, *args, **kwargs):
    get_logger().error(msg, *args, **kwargs)


def fatal(msg, *args, **kwargs):
    """Logs at FATAL; like TF1's tf.logging.fatal it does not stop the program."""
    get_logger().fatal(msg, *args, **kwargs)


def vlog(level, msg, *args, **kwargs):
    get_logger().log(level, msg, *args, **kwargs)


def _count_at_caller():
    """How many times the calling line has logged before (TF counts per file and line)."""
    frame = _sys._getframe(2)
    key = (frame.f_code.co_filename, frame.f_lineno)
    with _lock:
        n = _counts.get(key, 0)
        _counts[key] = n + 1
    return n


def log_every_n(level, msg, n, *args):
    """Logs the 1st, (n+1)th, (2n+1)th, ... time this line runs."""
    if _count_at_caller() % n == 0:
        log(level, msg, *args)


def log_first_n(level, msg, n, *args):
    """Logs the first `n` times this line runs."""
    if _count_at_caller() < n:
        log(level, msg, *args)


def log_if(level, msg, condition, *args):
    if condition:
        log(level, msg, *args)


def set_verbosity(v):
    """Logs messages at level `v` and above (the default is WARN, as in TF1)."""
    get_logger().setLevel(v)


def get_verbosity():
    return get_logger().getEffectiveLevel()


def flush():
    for handler in get_logger().handlers:
        handler.flush()


__all__ = ["DEBUG", "INFO", "WARN", "ERROR", "FATAL", "log", "debug", "info", "warning", "warn",
           "error", "fatal", "vlog", "log_every_n", "log_first_n", "log_if", "set_verbosity",
           "get_verbosity", "flush", "get_logger"]
