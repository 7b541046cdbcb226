"""graphgrad.debug.peak_memory: the extra memory one Session.run needs, via tracemalloc."""
import tracemalloc

import numpy as np

import graphgrad as tf


def _matmul_graph(n):
    x = tf.placeholder(tf.float32, [n, n])
    return x, tf.reduce_sum(tf.matmul(x, x) * 2.0)


def test_peak_covers_the_intermediate_arrays_a_run_allocates():
    x, total = _matmul_graph(600)
    feed = {x: np.random.default_rng(0).random((600, 600), dtype=np.float32)}
    with tf.Session() as sess:
        mem = tf.debug.peak_memory(sess, total, feed)
    one = 600 * 600 * 4
    # matmul result and the product with 2.0 are each 1.4 MB; only a scalar is fetched
    assert one <= mem.peak_bytes < 6 * one
    assert mem.retained_bytes < one // 4


def test_peak_grows_with_the_size_of_the_intermediates():
    small_x, small = _matmul_graph(100)
    big_x, big = _matmul_graph(500)
    rng = np.random.default_rng(1)
    feed = {small_x: rng.random((100, 100), dtype=np.float32),
            big_x: rng.random((500, 500), dtype=np.float32)}
    with tf.Session() as sess:
        small_mem = tf.debug.peak_memory(sess, small, feed)
        big_mem = tf.debug.peak_memory(sess, big, feed)
    assert big_mem.peak_bytes > 10 * small_mem.peak_bytes


def test_the_traced_run_is_real_and_warmup_runs_once_before_it():
    v = tf.Variable(0.0)
    inc = tf.assign_add(v, 1.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        tf.debug.peak_memory(sess, inc)
        assert sess.run(v) == 2.0
        tf.debug.peak_memory(sess, inc, warmup=False)
        assert sess.run(v) == 3.0


def test_tracing_is_stopped_after_unless_it_was_already_on():
    x, total = _matmul_graph(50)
    feed = {x: np.ones((50, 50), np.float32)}
    with tf.Session() as sess:
        tf.debug.peak_memory(sess, total, feed)
        assert not tracemalloc.is_tracing()
        tracemalloc.start()
        try:
            mem = tf.debug.peak_memory(sess, total, feed)
            assert tracemalloc.is_tracing()
        finally:
            tracemalloc.stop()
    assert mem.peak_bytes > 0 and "MiB" in str(mem)
