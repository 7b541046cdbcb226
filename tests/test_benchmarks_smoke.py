"""benchmarks/run.py --quick runs end to end and writes its JSON report (no timing asserted; the
peers TF, PyTorch and JAX are used only when importable, so CI runs graphgrad and NumPy)."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_quick_benchmark_writes_a_report_with_every_workload(tmp_path):
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "benchmarks", "run.py"), "--quick", "--reps", "1",
         "--seconds", "0.005", "--out", str(out)],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(out.read_text())
    assert set(report["workloads"]) == {
        "W1 softmax regression (steps/s)", "W2 MLP 784-256-256-10 Adam (steps/s)",
        "W3 Deep-MNIST CNN Adam (steps/s)", "W4 tiny graph run (runs/s)"}
    for row in report["workloads"].values():
        assert set(row) == set(report["implementations"]) >= {"graphgrad", "numpy"}
        assert row["graphgrad"]["wall_median"] > 0 and row["numpy"]["cpu_median"] > 0
        assert row["graphgrad"]["busy_wall_median"] > 0 and row["numpy"]["busy_ratio"] > 0
    assert report["import_s"]["graphgrad"] > 0
    # quick mode runs the default-threads children on W1 and W4 only
    default_busy = report["busy_default_threads"]
    assert [name.split()[0] for name in default_busy] == ["W1", "W4"]
    assert all(set(row) == set(report["implementations"]) for row in default_busy.values())
    memory = report["peak_memory_bytes"]
    # the CNN step's activations and im2col patches dwarf the softmax regression's
    assert memory["W3 Deep-MNIST CNN Adam (steps/s)"]["graphgrad"] > 10 * max(
        memory["W1 softmax regression (steps/s)"]["graphgrad"], 1)
    assert [r["layers"] for r in report["graph_build"]] == [10, 20]
    assert "| W1 softmax regression" in proc.stdout and "busy/quiet" in proc.stdout


def test_w1_profile_splits_a_step_into_kernels_and_engine_overhead():
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "benchmarks", "profile_w1.py"), "--steps", "200"],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "engine overhead" in proc.stdout and "MatMul" in proc.stdout


def test_hand_written_numpy_cnn_gradients_match_graphgrads_deep_mnist_graph():
    sys.path[:0] = [os.path.join(ROOT, "benchmarks")]
    try:
        import bench_data
        import hand_numpy
        import workloads
    finally:
        del sys.path[0]
    import numpy as np

    import graphgrad as tf
    sess, _, feed = workloads.w3_session()
    with sess.graph.as_default():
        loss = next(op for op in sess.graph.get_operations() if op.type == "Mean").outputs[0]
        params = tf.trainable_variables()
        grads = sess.run(tf.gradients(loss, params),
                         {t: 1.0 if t.shape.ndims is None else v for t, v in feed.items()})
    x, y, ws, bs = bench_data.w3_data()
    wmat = {k: w.reshape(-1, w.shape[-1]) for k, w in ws.items()}
    mine = hand_numpy._cnn_grads(x.reshape(-1, 28, 28, 1), y, ws, wmat, bs,
                                 np.ones((50, 1024), np.float32))
    assert [p.shape.as_list() for p in params] == [list(g.shape) for g in mine]
    for theirs, ours in zip(grads, mine):
        np.testing.assert_allclose(ours, theirs, rtol=1e-3, atol=1e-5 * np.abs(theirs).max())
