"""Small helpers shared by the test modules."""
import os
import subprocess
import sys

import graphgrad as tf

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(fetches, feed=None):
    """`fetches` evaluated once in a new session on the default graph."""
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def run_python(code, *args):
    """The stdout of `python -c code *args` in a fresh interpreter (graphgrad importable, one
    BLAS thread); fails the test when it exits with an error."""
    env = dict(os.environ, PYTHONPATH=REPO, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def run_initialized(fetches, feed=None):
    """`run`, after initializing the global variables."""
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed)


def line_of(path, marker):
    """The 1-based line of `path` holding `marker` (to check recorded creation sites)."""
    with open(path) as f:
        for i, line in enumerate(f, start=1):
            if marker in line and "line_of(" not in line:
                return i
    raise AssertionError(f"{marker!r} not found in {path}")
