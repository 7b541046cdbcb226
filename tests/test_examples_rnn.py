"""The MNIST LSTM example runs as a script, in both its static_rnn and dynamic_rnn forms, and
learns within a few steps (CI smoke test)."""
import os
import re
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.parametrize("mode", ["static", "dynamic"])
def test_mnist_lstm_example_lowers_the_test_loss_in_a_few_steps(mode):
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""),
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    env.pop("MNIST_DATA_DIR", None)
    out = subprocess.run([sys.executable, os.path.join(REPO, "examples", "mnist_lstm.py"),
                          "--steps", "25", "--print-every", "10", "--test-images", "300",
                          "--seed", "1", "--rnn", mode],
                         capture_output=True, text=True, env=env, timeout=300, check=True).stdout
    initial = float(re.search(r"initial test loss ([0-9.e+-]+)", out).group(1))
    final = float(re.search(r"final test loss ([0-9.e+-]+)", out).group(1))
    assert final < 0.75 * initial, out
    assert re.search(r"step 10, minibatch loss [0-9.]+, training accuracy [0-9.]+", out)
    accuracy = float(re.search(rf"test accuracy ([0-9.]+) \(300 test images, 25 steps, {mode} "
                               r"rnn", out).group(1))
    assert 0.2 < accuracy <= 1.0, out
