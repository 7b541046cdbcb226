"""The graph-growth detector: ops built inside the training loop warn once, naming the user's
line; setup code that adds ops between a few runs does not; Graph.finalize() says the same."""
import warnings

import numpy as np
import pytest

import graphgrad as tf

from .helpers import line_of


def _growth_warnings(record):
    return [w for w in record if issubclass(w.category, tf.debug.GraphGrowthWarning)]


def test_ops_built_inside_the_loop_warn_once_naming_the_line():
    v = tf.Variable(0.0)
    with tf.Session() as sess:
        sess.run(v.initializer)
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            for _ in range(10):
                sess.run(tf.assign_add(v, 1.0))  # leaky op in the loop
        assert sess.run(v) == 10.0
    found = _growth_warnings(record)
    assert len(found) == 1
    text = str(found[0].message)
    site = f"{__file__}:{line_of(__file__, 'leaky op in the loop')}"
    assert f"'AssignAdd_2' (AssignAdd) created at {site}" in text
    assert "added ops before 3 separate runs" in text
    assert "Building ops inside the training loop" in text and "finalize()" in text
    assert issubclass(tf.debug.GraphGrowthWarning, UserWarning)


def test_leak_in_unfetched_ops_is_caught_on_the_cached_fast_path():
    x = tf.placeholder(tf.float32, [3])
    y = x * 2.0
    feed = {x: np.arange(3, dtype=np.float32)}
    with tf.Session() as sess:
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            for _ in range(6):
                tf.reduce_sum(y)  # built, never fetched
                sess.run(y, feed)
    assert len(_growth_warnings(record)) == 1


def test_setup_code_adding_ops_between_the_first_runs_does_not_warn():
    a = tf.Variable(1.0)
    with tf.Session() as sess:
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            sess.run(tf.global_variables_initializer())
            b = a * 3.0
            sess.run(b)
            c = b + 1.0
            sess.run(c)
            d = tf.square(c)
            for _ in range(20):
                sess.run(d)
    assert not _growth_warnings(record)


def test_growth_across_separate_sessions_is_counted_per_session():
    v = tf.Variable(0.0)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        for _ in range(3):
            with tf.Session() as sess:
                sess.run(v.initializer)
                sess.run(tf.assign_add(v, 1.0))
                sess.run(tf.assign_add(v, 1.0))
    assert not _growth_warnings(record)


def test_finalized_graph_error_names_the_op_line_and_the_training_loop_leak():
    v = tf.Variable(0.0)
    tf.get_default_graph().finalize()
    with pytest.raises(RuntimeError) as info:
        tf.assign_add(v, 1.0)  # added after finalize
    text = str(info.value)
    assert text.startswith("Graph is finalized and cannot be modified: tried to add op ")
    assert f"{__file__}:{line_of(__file__, 'added after finalize')}" in text
    assert "Ops created inside the training loop make the graph grow" in text
