"""Embeddings and sampled losses: embedding_lookup (one table, 'mod'/'div' shards, max_norm)
against NumPy, its gradient applied by GradientDescent through ScatterSub to the touched rows
only, the LogUniformCandidateSampler, nce_loss and sampled_softmax_loss against NumPy."""
import numpy as np
import pytest

import graphgrad as tf
from graphgrad.ops.embedding_ops import scatter_sub

from .helpers import run_initialized as _run

RNG = np.random.RandomState(11)


def _ancestors(op):
    seen, stack = set(), [op]
    while stack:
        node = stack.pop()
        if node.name in seen:
            continue
        seen.add(node.name)
        stack.extend(t.op for t in node.inputs)
        stack.extend(node.control_inputs)
    return seen


# --- embedding_lookup ------------------------------------------------------------------------
def test_embedding_lookup_gathers_rows_for_ids_of_any_rank():
    table = RNG.randn(7, 3)
    ids = np.array([[0, 6, 2], [2, 2, 5]])
    out = tf.nn.embedding_lookup(tf.constant(table), ids)
    assert out.shape.as_list() == [2, 3, 3] and out.op.name == "embedding_lookup"
    np.testing.assert_array_equal(_run(out), table[ids])


@pytest.mark.parametrize("strategy", ["mod", "div"])
def test_sharded_embedding_lookup_matches_the_partition_strategy(strategy):
    full = RNG.randn(11, 4)
    ids = np.array([10, 0, 3, 7, 3, 5, 1])
    if strategy == "mod":
        shards = [full[p::3] for p in range(3)]
    else:  # 11 ids in 3 shards: the first 11 % 3 = 2 shards get one extra id
        shards = [full[0:4], full[4:8], full[8:11]]
    params = [tf.constant(s) for s in shards]
    out = tf.nn.embedding_lookup(params, ids, partition_strategy=strategy)
    np.testing.assert_allclose(_run(out), full[ids])
    weights = RNG.randn(7, 4)
    grads = tf.gradients(tf.reduce_sum(out * weights), params)
    dense = np.zeros_like(full)
    np.add.at(dense, ids, weights)
    got = _run(grads)
    for p, g in enumerate(got):
        want = dense[p::3] if strategy == "mod" else dense[[0, 4, 8, 11][p]:[0, 4, 8, 11][p + 1]]
        np.testing.assert_allclose(g, want)


def test_embedding_lookup_max_norm_shortens_only_the_long_rows():
    table = np.array([[3.0, 4.0], [0.3, 0.4], [0.0, 0.0]])
    out = _run(tf.nn.embedding_lookup(tf.constant(table), [0, 1, 2], max_norm=1.0))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.3, 0.4], [0.0, 0.0]], rtol=1e-12)


def test_embedding_gradient_sums_repeated_ids():
    table = tf.constant(RNG.randn(5, 2))
    out = tf.nn.embedding_lookup(table, [1, 3, 1])
    w = RNG.randn(3, 2)
    (grad,) = tf.gradients(tf.reduce_sum(out * w), [table])
    want = np.zeros((5, 2))
    np.add.at(want, [1, 3, 1], w)
    np.testing.assert_allclose(_run(grad), want)


# --- the sparse update path ------------------------------------------------------------------
def test_gradient_descent_updates_only_touched_rows_without_the_dense_gradient():
    init = RNG.randn(50, 3).astype(np.float32)
    emb = tf.Variable(init)
    ids = tf.placeholder(tf.int32, [None])
    loss = tf.reduce_sum(tf.square(tf.nn.embedding_lookup(emb, ids)))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    ancestors = _ancestors(train)
    graph = tf.get_default_graph()
    types = {graph.get_operation_by_name(n).type for n in ancestors}
    assert "ScatterSub" in types and "ScatterNd" not in types
    assert "ApplyGradientDescent" not in types
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train, {ids: [4, 9, 4]})
        got = sess.run(emb)
    want = init.copy()
    for _ in range(3):
        want[4] -= 0.1 * 2 * 2 * want[4]
        want[9] -= 0.1 * 2 * want[9]
    np.testing.assert_allclose(got, want, rtol=1e-5)


def test_a_transformed_embedding_gradient_still_takes_the_dense_path():
    emb = tf.Variable(RNG.randn(6, 2))
    loss = tf.reduce_sum(tf.nn.embedding_lookup(emb, [1, 2]))
    opt = tf.train.GradientDescentOptimizer(1.0)
    (grad, var), = opt.compute_gradients(loss)
    train = opt.apply_gradients([(grad * 2.0, var)])
    types = {tf.get_default_graph().get_operation_by_name(n).type for n in _ancestors(train)}
    assert "ApplyGradientDescent" in types and "ScatterSub" not in types
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(emb)
        sess.run(train)
        np.testing.assert_allclose(sess.run(emb), before - 2.0 * np.isin(np.arange(6), [1, 2])
                                   [:, None])


def test_scatter_sub_subtracts_every_repeated_update_and_rejects_bad_indices():
    var = tf.Variable(np.arange(12.0).reshape(4, 3))
    upd = RNG.randn(3, 3)
    op = scatter_sub(var, [2, 0, 2], upd)
    bad = scatter_sub(var, [4], np.ones((1, 3)))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run(op)
        want = np.arange(12.0).reshape(4, 3)
        np.subtract.at(want, [2, 0, 2], upd)
        np.testing.assert_allclose(got, want)
        np.testing.assert_allclose(sess.run(var), want)
        with pytest.raises(tf.errors.InvalidArgumentError, match="not in \\[0, 4\\)"):
            sess.run(bad)


# --- candidate sampling and sampled losses ---------------------------------------------------
def test_log_uniform_sampler_draws_unique_zipfian_classes_with_tfs_expected_counts():
    labels = tf.constant([[0], [5], [99]], tf.int64)
    sampled, true_exp, sampled_exp = tf.nn.log_uniform_candidate_sampler(
        labels, num_true=1, num_sampled=20, unique=True, range_max=100, seed=4)
    assert sampled.dtype == tf.int64 and true_exp.shape.as_list() == [3, 1]
    draws = []
    with tf.Session() as sess:
        for _ in range(200):
            s, te, se = sess.run([sampled, true_exp, sampled_exp])
            assert len(set(s.tolist())) == 20 and s.min() >= 0 and s.max() < 100
            assert 0 < te[0, 0] <= 1 and te[0, 0] > te[1, 0] > te[2, 0]
            draws.extend(s.tolist())
    # Class 0 has P = log(2) / log(101) = 0.15 per draw; unique sampling draws it in most runs.
    freq0 = draws.count(0) / 200
    assert 0.8 < freq0 <= 1.0 and draws.count(0) > draws.count(50)
    # Expected counts fall with the class id, and equal 1 - (1 - P(k))^draws for some draws >= 20.
    order = np.argsort(s)
    assert np.all(np.diff(se[order]) <= 1e-7)
    prob = np.log((s + 2.0) / (s + 1.0)) / np.log(101.0)
    tries = np.log1p(-se.astype(float)) / np.log1p(-prob)
    np.testing.assert_allclose(tries, tries[0], rtol=1e-4)
    assert tries[0] >= 20 - 1e-3


def _reference_logits(w, b, labels, x, sampled, true_exp, sampled_exp, remove_hits):
    true_logits = np.sum(x[:, None, :] * w[labels], 2) + b[labels] - np.log(true_exp)
    sampled_logits = x @ w[sampled].T + b[sampled] - np.log(sampled_exp)
    if remove_hits:
        hits = (labels[:, :, None] == sampled[None, None, :]).any(1)
        sampled_logits = sampled_logits + hits * np.finfo(np.float64).min
    return true_logits, sampled_logits


def _sampled_setup(num_true=1):
    w, b, x = RNG.randn(30, 4), RNG.randn(30), RNG.randn(5, 4)
    labels = RNG.randint(0, 30, (5, num_true))
    sampled = np.array([3, 17, 29, 0, 8, 11])
    labels[0, 0] = 17  # an accidental hit
    true_exp = RNG.uniform(0.1, 0.9, (5, num_true)).astype(np.float32)
    sampled_exp = RNG.uniform(0.1, 0.9, 6).astype(np.float32)
    values = (tf.constant(sampled, tf.int64), tf.constant(true_exp), tf.constant(sampled_exp))
    return w, b, x, labels, sampled, true_exp, sampled_exp, values


def test_nce_loss_matches_numpy_logistic_losses():
    w, b, x, labels, sampled, te, se, values = _sampled_setup(num_true=2)
    loss = tf.nn.nce_loss(tf.constant(w), tf.constant(b), labels, tf.constant(x), num_sampled=6,
                          num_classes=30, num_true=2, sampled_values=values)
    assert loss.shape.as_list() == [5]
    tl, sl = _reference_logits(w, b, labels, x, sampled, te, se, False)

    def xent(z, t):
        return np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))
    want = xent(tl, 0.5).sum(1) + xent(sl, 0.0).sum(1)
    np.testing.assert_allclose(_run(loss), want, rtol=1e-5)


def test_sampled_softmax_loss_matches_numpy_and_removes_accidental_hits():
    w, b, x, labels, sampled, te, se, values = _sampled_setup()
    inputs = tf.constant(x)
    loss = tf.nn.sampled_softmax_loss(tf.constant(w), tf.constant(b), labels, inputs,
                                      num_sampled=6, num_classes=30, sampled_values=values)
    tl, sl = _reference_logits(w, b, labels, x, sampled, te, se, True)
    z = np.concatenate([tl, sl], 1)
    zmax = z.max(1, keepdims=True)
    want = -(tl[:, 0] - (zmax[:, 0] + np.log(np.exp(z - zmax).sum(1))))
    np.testing.assert_allclose(_run(loss), want, rtol=1e-5)
    (grad,) = tf.gradients(tf.reduce_sum(loss), [inputs])
    assert np.all(np.isfinite(_run(grad)))


def test_word2vec_style_training_with_nce_loss_lowers_the_loss():
    tf.set_random_seed(0)
    vocab, dim = 40, 8
    emb = tf.Variable(tf.random_uniform([vocab, dim], -1.0, 1.0))
    nce_w = tf.Variable(tf.truncated_normal([vocab, dim], stddev=1.0 / np.sqrt(dim)))
    nce_b = tf.Variable(tf.zeros([vocab]))
    inputs = tf.placeholder(tf.int32, [None])
    labels = tf.placeholder(tf.int32, [None, 1])
    embed = tf.nn.embedding_lookup(emb, inputs)
    loss = tf.reduce_mean(tf.nn.nce_loss(weights=nce_w, biases=nce_b, labels=labels,
                                         inputs=embed, num_sampled=8, num_classes=vocab))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    src = np.arange(32) % vocab
    feed = {inputs: src, labels: ((src * 7 + 3) % vocab)[:, None]}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = np.mean([sess.run(loss, feed) for _ in range(10)])
        for _ in range(150):
            sess.run(train, feed)
        last = np.mean([sess.run(loss, feed) for _ in range(10)])
    assert last < 0.5 * first
