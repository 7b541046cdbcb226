"""The Deep MNIST example runs as a script and learns within a few steps (CI smoke test)."""
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_deep_mnist_example_lowers_the_test_loss_in_a_few_steps():
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""),
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    env.pop("MNIST_DATA_DIR", None)
    out = subprocess.run([sys.executable, os.path.join(REPO, "examples", "deep_mnist.py"),
                          "--steps", "20", "--print-every", "10", "--test-images", "500",
                          "--seed", "1"],
                         capture_output=True, text=True, env=env, timeout=300, check=True).stdout
    initial = float(re.search(r"initial test loss ([0-9.e+-]+)", out).group(1))
    final = float(re.search(r"final test loss ([0-9.e+-]+)", out).group(1))
    assert final < 0.6 * initial, out
    assert re.search(r"step 10, training accuracy [0-9.]+", out)
    accuracy = float(re.search(r"test accuracy ([0-9.]+) \(500 test images, 20 steps", out)
                     .group(1))
    assert 0.2 < accuracy <= 1.0, out
