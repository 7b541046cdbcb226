"""Supported names whose behaviour differs from TF 1.x."""
import numpy as np

import graphgrad as tf
from graphgrad import train as training

nn = tf.nn
x = tf.placeholder(tf.float32, [None, 4])
params = tf.Variable(np.ones((10, 4), np.float32))
rows = tf.gather(params, [1, 2])
y = tf.py_func(np.sin, [x], tf.float32)
h = nn.relu(x)
saver = training.Saver()
sess = tf.Session("grpc://localhost:2222")
local = tf.Session()
