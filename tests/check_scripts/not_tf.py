"""No TensorFlow at all: numpy's `np.contrib` is not TF's business."""
import os.path as tf

import numpy as np

print(tf.join("a", "b"), np.zeros(3))
