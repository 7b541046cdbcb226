"""Checks with real TensorFlow that the GraphDef and MetaGraphDef files graphgrad writes load and
run in TF with graphgrad's numbers (a manual check: CI has no TensorFlow).

    python tools/check_export_with_tf.py [--ops] [TF_PYTHON]   (default: /tmp/tfvenv/bin/python)

For the seed's softmax regression (SGD) and a small CNN (Adam), graphgrad trains a few steps and
writes `tf.train.write_graph` (text and binary) and `Saver.save`'s `.meta` (binary) and a text
`export_meta_graph`. TensorFlow then, per model:
  - `tf.import_graph_def` of each GraphDef, variables set from graphgrad's values through their
    Assign ops: `y` on x_eval equals graphgrad's;
  - `tf.train.import_meta_graph` of each MetaGraphDef, variables loaded: `y` equals graphgrad's,
    and RESUME_STEPS runs of the `train_op` collection's op give graphgrad's `y` after as many.
  - with `--ops`: every forward row of tests/ops/cases.py (float32 inputs) as a GraphDef, run
    in TF: prints the rows whose output differs or that TF refuses (graphgrad-only op types).
Prints one line per check and exits non-zero when one fails.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

RESUME_STEPS = 3


def _graphgrad_models(folder):
    import graphgrad as tf
    rng = np.random.default_rng(7)
    for name in ("softmax", "cnn"):
        with tf.Graph().as_default():
            tf.set_random_seed(0)
            features = (784,) if name == "softmax" else (8, 8, 1)
            x = tf.placeholder(tf.float32, (None,) + features, name="x")
            classes = 10 if name == "softmax" else 3
            labels = tf.placeholder(tf.float32, [None, classes], name="labels")
            if name == "softmax":
                w = tf.Variable(tf.zeros([784, 10]))
                logits = tf.matmul(x, w) + tf.Variable(tf.zeros([10]))
                optimizer = tf.train.GradientDescentOptimizer(0.5)
            else:
                w1 = tf.Variable(tf.truncated_normal([3, 3, 1, 4], stddev=0.3), name="conv_w")
                h = tf.nn.relu(tf.nn.conv2d(x, w1, [1, 1, 1, 1], "SAME")
                               + tf.Variable(tf.constant(0.1, shape=[4]), name="conv_b"))
                h = tf.reshape(tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME"), [-1, 64])
                w2 = tf.Variable(tf.truncated_normal([64, 3], stddev=0.3), name="fc_w")
                logits = tf.matmul(h, w2) + tf.Variable(tf.zeros([3]), name="fc_b")
                optimizer = tf.train.AdamOptimizer(0.01)
            y = tf.nn.softmax(logits, name="y")
            loss = tf.reduce_mean(-tf.reduce_sum(labels * tf.log(y + 1e-8), axis=[1]))
            step = tf.train.get_or_create_global_step()
            train = optimizer.minimize(loss, global_step=step)
            x_batch = rng.random((16,) + features).astype(np.float32)
            y_batch = np.eye(classes, dtype=np.float32)[rng.integers(0, classes, 16)]
            x_eval = rng.random((5,) + features).astype(np.float32)
            feed = {x: x_batch, labels: y_batch}
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                for _ in range(2):
                    sess.run(train, feed)
                out = os.path.join(folder, name)
                os.makedirs(out)
                tf.train.Saver().save(sess, out + "/model.ckpt")
                tf.train.write_graph(sess.graph, out, "graph.pbtxt", as_text=True)
                tf.train.write_graph(sess.graph, out, "graph.pb", as_text=False)
                tf.train.export_meta_graph(out + "/model.meta.pbtxt", as_text=True)
                values = {v.op.name: sess.run(v) for v in tf.global_variables()}
                y_eval = sess.run(y, {x: x_eval})
                for _ in range(RESUME_STEPS):
                    sess.run(train, feed)
                y_after = sess.run(y, {x: x_eval})
            np.savez(out + "/values.npz", **values)
            np.savez(out + "/data.npz", x_batch=x_batch, y_batch=y_batch, x_eval=x_eval,
                     y_eval=y_eval, y_after=y_after)


def _graphgrad_op_rows(folder):
    """Each forward op row as graph.pb + inputs/outputs .npz under folder/ops/<index>."""
    import graphgrad as tf
    from graphgrad.interop.graphdef_export import graph_to_graph_def
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    from tests.ops.cases import CASES
    from tests.ops.harness import make_inputs
    for index, case in enumerate(c for c in CASES if c.tested_by is None and c.shapes):
        try:
            arrays = make_inputs(case, case.shapes[0], "float32")
            with tf.Graph().as_default() as g:
                phs = [tf.placeholder(tf.as_dtype(a.dtype), a.shape, name=f"in{i}")
                       for i, a in enumerate(arrays)]
                tf.identity(case.build(*phs), name="out")
                with tf.Session() as sess:
                    want = sess.run("out:0", {p: a for p, a in zip(phs, arrays)})
                data = graph_to_graph_def(g).SerializeToString()
        except Exception as e:  # rows that do not build in float32 are not TF checks
            print(f"skip {case.id}: {type(e).__name__}")
            continue
        out = os.path.join(folder, "ops", str(index))
        os.makedirs(out)
        with open(out + "/graph.pb", "wb") as f:
            f.write(data)
        np.savez(out + "/io.npz", *arrays, want=want)
        with open(out + "/id.txt", "w") as f:
            f.write(case.id)


def _tensorflow_op_rows(folder):
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    same, refused, differ = 0, {}, []
    root = os.path.join(folder, "ops")
    for index in sorted(os.listdir(root), key=int):
        out = os.path.join(root, index)
        with open(out + "/id.txt") as f:
            case_id = f.read()
        io = np.load(out + "/io.npz")
        arrays = [io[f"arr_{i}"] for i in range(len(io.files) - 1)]
        with tf.Graph().as_default():
            graph_def = tf.GraphDef()
            with open(out + "/graph.pb", "rb") as f:
                graph_def.ParseFromString(f.read())
            try:
                tf.import_graph_def(graph_def, name="")
                with tf.Session() as sess:
                    got = sess.run("out:0", {f"in{i}:0": a for i, a in enumerate(arrays)})
            except Exception as e:  # TF's refusal, reported below
                refused[case_id] = str(e).splitlines()[0][:150]
                continue
        want = io["want"]
        if got.dtype == want.dtype and got.shape == want.shape and np.allclose(
                got, want, rtol=1e-4, atol=1e-5, equal_nan=True):
            same += 1
        else:
            differ.append(case_id)
    for case_id, why in refused.items():
        print(f"refused {case_id}: {why}")
    print(f"op rows: {same} same in TF, {len(differ)} differ {differ}, {len(refused)} refused")
    return not differ


def _check(label, got, want):
    ok = np.allclose(got, want, rtol=1e-5, atol=1e-6)
    print(f"{'OK  ' if ok else 'FAIL'} {label}: max |TF - graphgrad| = "
          f"{np.max(np.abs(got - want)):.3g}")
    return ok


def _tensorflow_checks(folder):
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    ok = True
    for name in ("softmax", "cnn"):
        out = os.path.join(folder, name)
        data, values = np.load(out + "/data.npz"), dict(np.load(out + "/values.npz"))
        for fname in ("graph.pbtxt", "graph.pb"):
            with tf.Graph().as_default() as g:
                graph_def = tf.GraphDef()
                with open(os.path.join(out, fname), "rb") as f:
                    if fname.endswith("txt"):
                        from google.protobuf import text_format
                        text_format.Parse(f.read().decode(), graph_def)
                    else:
                        graph_def.ParseFromString(f.read())
                tf.import_graph_def(graph_def, name="")
                with tf.Session() as sess:
                    for var, value in values.items():
                        assign = g.get_operation_by_name(var + "/Assign")
                        sess.run(assign, {assign.inputs[1]: value})
                    got = sess.run("y:0", {"x:0": data["x_eval"]})
                ok &= _check(f"{name} {fname}: tf.import_graph_def, y", got, data["y_eval"])
        for fname in ("model.ckpt.meta", "model.meta.pbtxt"):
            with tf.Graph().as_default():
                tf.train.import_meta_graph(os.path.join(out, fname))
                with tf.Session() as sess:
                    for var in tf.global_variables():
                        var.load(values[var.op.name], sess)
                    got = sess.run("y:0", {"x:0": data["x_eval"]})
                    ok &= _check(f"{name} {fname}: tf.train.import_meta_graph, y", got,
                                 data["y_eval"])
                    train = tf.get_collection("train_op")[0]
                    for _ in range(RESUME_STEPS):
                        sess.run(train, {"x:0": data["x_batch"], "labels:0": data["y_batch"]})
                    got = sess.run("y:0", {"x:0": data["x_eval"]})
                    ok &= _check(f"{name} {fname}: train_op x{RESUME_STEPS}, y", got,
                                 data["y_after"])
    return ok


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--tensorflow":
        ok = _tensorflow_checks(sys.argv[2])
        if os.path.isdir(os.path.join(sys.argv[2], "ops")):
            ok &= _tensorflow_op_rows(sys.argv[2])
        sys.exit(0 if ok else 1)
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    tf_python = args[0] if args else "/tmp/tfvenv/bin/python"
    with tempfile.TemporaryDirectory() as folder:
        _graphgrad_models(folder)
        if "--ops" in sys.argv:
            _graphgrad_op_rows(folder)
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
        done = subprocess.run([tf_python, __file__, "--tensorflow", folder], env=env)
    sys.exit(done.returncode)


if __name__ == "__main__":
    main()
