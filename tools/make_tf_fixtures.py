"""Makes the TensorFlow fixtures under tests/fixtures/tf/ with real TensorFlow (run once; the
outputs are committed, TensorFlow is not a dependency):

    python -m venv /tmp/tfvenv && /tmp/tfvenv/bin/pip install tensorflow-cpu
    /tmp/tfvenv/bin/python tools/make_tf_fixtures.py [OUT_DIR]

For two TF1 graph-mode models, the seed's softmax regression (plain SGD) and a tiny CNN (Adam),
it trains a few steps on seeded random data and writes to OUT_DIR/<model>/:
  model.ckpt-N.index, model.ckpt-N.data-00000-of-00001, checkpoint   (tf.train.Saver, V2 format)
  x_eval.npy, y_eval.npy      a fixed input and the model's output at the checkpoint
  x_batch.npy, y_batch.npy    a training batch; y_after.npy: the output on x_eval after
                              RESUME_STEPS more steps on that batch from the checkpoint
  frozen.pb, frozen.pbtxt     the inference graph with variables frozen (tf.train.write_graph)
  model.ckpt-N.meta           TF's MetaGraphDef (binary), as Saver.save writes it
  model.meta.pbtxt            the same meta graph in text format (TF's export_meta_graph with
                              as_text=True, after import_meta_graph of model.ckpt-N.meta)
Made with tensorflow-cpu 2.21 (tf.compat.v1, graph mode). `--text-meta-only` writes just the
text meta graphs from the committed binary ones, leaving the other files as they are.
"""
import os
import sys

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

TRAIN_STEPS = 5
RESUME_STEPS = 3


def softmax_model():
    """The seed program's model, as its tutorial writes it."""
    x = tf.placeholder(tf.float32, [None, 784], name="x")
    W = tf.Variable(tf.zeros([784, 10]))
    b = tf.Variable(tf.zeros([10]))
    y = tf.nn.softmax(tf.matmul(x, W) + b, name="y")
    y_ = tf.placeholder(tf.float32, [None, 10], name="labels")
    cross_entropy = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1]))
    global_step = tf.Variable(0, name="global_step", trainable=False)
    train = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy,
                                                            global_step=global_step)
    return x, y_, y, train, global_step, (784,)


def cnn_model():
    """Conv 3x3 (SAME) + bias + ReLU, 2x2 max-pool, dense softmax readout; Adam."""
    x = tf.placeholder(tf.float32, [None, 8, 8, 1], name="x")
    w1 = tf.Variable(tf.truncated_normal([3, 3, 1, 4], stddev=0.3, seed=1), name="conv_w")
    b1 = tf.Variable(tf.constant(0.1, shape=[4]), name="conv_b")
    h = tf.nn.relu(tf.nn.conv2d(x, w1, strides=[1, 1, 1, 1], padding="SAME") + b1)
    h = tf.nn.max_pool(h, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")
    flat = tf.reshape(h, [-1, 4 * 4 * 4])
    w2 = tf.Variable(tf.truncated_normal([64, 3], stddev=0.3, seed=2), name="fc_w")
    b2 = tf.Variable(tf.zeros([3]), name="fc_b")
    y = tf.nn.softmax(tf.matmul(flat, w2) + b2, name="y")
    y_ = tf.placeholder(tf.float32, [None, 3], name="labels")
    loss = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y + 1e-8), axis=[1]))
    global_step = tf.train.get_or_create_global_step()
    train = tf.train.AdamOptimizer(0.01).minimize(loss, global_step=global_step)
    return x, y_, y, train, global_step, (8, 8, 1)


def make(name, build, out_dir):
    folder = os.path.join(out_dir, name)
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(1234)
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        x, y_, y, train, global_step, features = build()
        classes = y_.shape.as_list()[1]
        x_batch = rng.random((16,) + features).astype(np.float32)
        y_batch = np.eye(classes, dtype=np.float32)[rng.integers(0, classes, 16)]
        x_eval = rng.random((5,) + features).astype(np.float32)
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(TRAIN_STEPS):
                sess.run(train, {x: x_batch, y_: y_batch})
            saver.save(sess, os.path.join(folder, "model.ckpt"), global_step=global_step)
            np.save(os.path.join(folder, "y_eval.npy"), sess.run(y, {x: x_eval}))
            frozen = tf.graph_util.convert_variables_to_constants(
                sess, sess.graph.as_graph_def(), ["y"])
            for _ in range(RESUME_STEPS):
                sess.run(train, {x: x_batch, y_: y_batch})
            np.save(os.path.join(folder, "y_after.npy"), sess.run(y, {x: x_eval}))
    for array, fname in ((x_eval, "x_eval"), (x_batch, "x_batch"), (y_batch, "y_batch")):
        np.save(os.path.join(folder, fname + ".npy"), array)
    tf.train.write_graph(frozen, folder, "frozen.pb", as_text=False)
    tf.train.write_graph(frozen, folder, "frozen.pbtxt", as_text=True)
    write_text_meta(folder)
    # The state file with a relative path, so the folder can move (TF writes absolute paths).
    with open(os.path.join(folder, "checkpoint"), "w") as f:
        prefix = f"model.ckpt-{TRAIN_STEPS}"
        f.write(f'model_checkpoint_path: "{prefix}"\nall_model_checkpoint_paths: "{prefix}"\n')


def write_text_meta(folder):
    """model.meta.pbtxt: TF's own text-format export of the binary meta graph in `folder`."""
    with tf.Graph().as_default():
        saver = tf.train.import_meta_graph(
            os.path.join(folder, f"model.ckpt-{TRAIN_STEPS}.meta"))
        tf.train.export_meta_graph(os.path.join(folder, "model.meta.pbtxt"), as_text=True,
                                   saver_def=saver.saver_def)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out_dir = args[0] if args else os.path.join(
        os.path.dirname(__file__), "..", "tests", "fixtures", "tf")
    for name, build in (("softmax", softmax_model), ("cnn", cnn_model)):
        if "--text-meta-only" in sys.argv:
            write_text_meta(os.path.join(out_dir, name))
        else:
            make(name, build, out_dir)


if __name__ == "__main__":
    main()
