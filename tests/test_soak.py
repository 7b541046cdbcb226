"""Long runs: thousands of `run` calls and hundreds of save/restore cycles neither grow the graph
nor the memory Python holds (tracemalloc), nor the files on disk."""
import gc
import os
import tracemalloc

import numpy as np
import pytest

import graphgrad as tf


def _growth(fn, warmup, repeats):
    """Bytes Python holds after `repeats` more calls than after `warmup` calls."""
    for _ in range(warmup):
        fn()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(repeats):
            fn()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return after - before


def _rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _mlp():
    tf.set_random_seed(3)
    x = tf.placeholder(tf.float32, [None, 20])
    labels = tf.placeholder(tf.int32, [None])
    h = tf.nn.relu(tf.matmul(x, tf.Variable(tf.random_normal([20, 16]))))
    logits = tf.matmul(h, tf.Variable(tf.random_normal([16, 5])))
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                                        logits=logits))
    train = tf.train.MomentumOptimizer(0.01, 0.9).minimize(loss)
    return x, labels, loss, train


@pytest.mark.parametrize("jit", ["0", "eager"])
def test_thousands_of_training_runs_grow_neither_the_graph_nor_memory(jit, monkeypatch):
    # NumPy's kernels, or the compiled ones from the start (by default a plan switches to them
    # at its 2000th run, a one-time import of numba that is not per-run growth)
    monkeypatch.setenv("GRAPHGRAD_JIT", jit)
    x, labels, loss, train = _mlp()
    rng = np.random.RandomState(0)
    batches = [(rng.randn(8, 20).astype(np.float32), rng.randint(0, 5, 8)) for _ in range(16)]
    graph = tf.get_default_graph()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    ops = len(graph.get_operations())
    counter = iter(range(10 ** 9))

    def step():
        xs, ys = batches[next(counter) % 16]
        sess.run([loss, train], {x: xs, labels: ys})
    growth = _growth(step, warmup=300, repeats=2000)
    rss = _rss()
    for _ in range(4000):
        step()
    rss_growth = _rss() - rss
    print(f"\nsoak: 2000 traced training runs grew traced memory by {growth} bytes; 4000 more "
          f"grew the resident set by {rss_growth} bytes")
    assert len(graph.get_operations()) == ops
    assert len(sess._plans) == 2  # the initializer's plan and the training step's
    assert growth < 32 * 1024  # 16 bytes a run would already fail
    assert rss_growth < 2 * 1024 * 1024
    assert np.isfinite(sess.run(loss, {x: batches[0][0], labels: batches[0][1]}))


def test_hundreds_of_save_restore_cycles_keep_memory_graph_and_files_bounded(tmp_path):
    _mlp()
    saver = tf.train.Saver(max_to_keep=2)
    graph = tf.get_default_graph()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    ops = len(graph.get_operations())
    counter = iter(range(10 ** 9))

    def cycle():
        prefix = saver.save(sess, str(tmp_path / "m"), global_step=next(counter),
                            write_meta_graph=False)
        saver.restore(sess, prefix)
    growth = _growth(cycle, warmup=20, repeats=120)
    print(f"\nsoak: 120 save+restore cycles grew traced memory by {growth} bytes")
    assert len(graph.get_operations()) == ops
    assert len(os.listdir(tmp_path)) == 3  # two checkpoints and the state file
    assert growth < 64 * 1024
