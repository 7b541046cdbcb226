"""The data and initial weights every implementation of a workload shares (NumPy only, so a
peer's module can use them without importing graphgrad). float32, seeded."""
import numpy as np


def mnist_like(batch, rng):
    """A batch of MNIST-shaped inputs in [0, 1) and one-hot labels."""
    x = rng.random((batch, 784), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, batch)]
    return x, y


def w1_data():
    return mnist_like(100, np.random.default_rng(0))


def w2_data():
    """(x, y, [W1, W2, W3]) for the 784-256-256-10 MLP (He-scaled normal weights)."""
    rng = np.random.default_rng(1)
    x, y = mnist_like(128, rng)
    ws = [(rng.standard_normal((m, n)) * np.sqrt(2.0 / m)).astype(np.float32)
          for m, n in ((784, 256), (256, 256), (256, 10))]
    return x, y, ws


# The Deep-MNIST CNN's weights in TF's layouts: conv filters HWIO, fc1 rows in NHWC flatten order.
CNN_SHAPES = {"conv1": (5, 5, 1, 32), "conv2": (5, 5, 32, 64), "fc1": (7 * 7 * 64, 1024),
              "fc2": (1024, 10)}


def w3_data():
    """(x, y, weights, biases) for the CNN: truncated-normal(0.1) weights and 0.1 biases, as the
    TF tutorial initializes them; dicts keyed like CNN_SHAPES."""
    rng = np.random.default_rng(2)
    x, y = mnist_like(50, rng)
    weights, biases = {}, {}
    for name, shape in CNN_SHAPES.items():
        w = rng.standard_normal(shape)
        while np.any(np.abs(w) > 2):
            bad = np.abs(w) > 2
            w[bad] = rng.standard_normal(int(bad.sum()))
        weights[name] = (w * 0.1).astype(np.float32)
        biases[name] = np.full(shape[-1], 0.1, np.float32)
    return x, y, weights, biases


W4_K = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
