"""Classic TF 1.x example programs run unchanged (but for the import) and learn."""
import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MNIST = os.path.join(ROOT, "..", "shared", "data", "mnist")

# script, regex for the figure it prints, the bound it must pass
SCRIPTS = [
    ("linreg.py", r"Training cost= ([0-9.]+)", lambda v: v < 0.2),  # from random init: ~0.08
    ("logreg.py", r"Accuracy: ([0-9.]+)", lambda v: v > 0.85),
    ("mlp.py", r"Accuracy: ([0-9.]+)", lambda v: v > 0.8),
    ("nn.py", r"Accuracy: ([0-9.]+)", lambda v: v > 0.85),
]


@pytest.mark.parametrize("script,pattern,ok", SCRIPTS, ids=[s[0] for s in SCRIPTS])
def test_tf1_example_runs_and_learns(script, pattern, ok):
    env = dict(os.environ, MNIST_DATA_DIR=MNIST, PYTHONPATH=ROOT, OPENBLAS_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, os.path.join(HERE, "tf1_scripts", script)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = re.findall(pattern, proc.stdout)
    assert found, proc.stdout[-2000:]
    assert ok(float(found[-1])), proc.stdout[-2000:]
