"""Recurrent cells and loops (tf.nn.rnn_cell, tf.contrib.rnn, static_rnn, dynamic_rnn, the
bidirectional forms): one-step math against NumPy in float64, finite-difference gradients of a
tiny LSTM, sequence_length semantics, TF1 variable names and reuse, bidirectional outputs."""
import numpy as np
import pytest

import graphgrad as tf

RNG = np.random.RandomState(7)
rnn_cell = tf.nn.rnn_cell


def _sig(x):
    return 1 / (1 + np.exp(-x))


def _values(fetches, feed=None, init_values=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for var, value in (init_values or {}).items():
            var.load(value, sess)
        return sess.run(fetches, feed)


def _randomize(variables):
    """Non-trivial float64 values for every variable (biases are zero-initialized)."""
    return {v: RNG.uniform(-0.8, 0.8, v.shape.as_list()) for v in variables}


# --- one step against NumPy ---------------------------------------------------------------
def test_basic_lstm_cell_one_step_matches_numpy_with_gate_order_ijfo_and_forget_bias():
    x, c, h = RNG.randn(3, 5), RNG.randn(3, 4), RNG.randn(3, 4)
    cell = rnn_cell.BasicLSTMCell(4, forget_bias=0.7)
    out, state = cell(tf.constant(x), rnn_cell.LSTMStateTuple(tf.constant(c), tf.constant(h)))
    kernel, bias = tf.trainable_variables()
    assert kernel.name == "basic_lstm_cell/kernel:0" and bias.name == "basic_lstm_cell/bias:0"
    assert kernel.shape.as_list() == [9, 16] and kernel.dtype.base_dtype == tf.float64
    vals = _randomize([kernel, bias])
    got_out, got_c, got_h = _values([out, state.c, state.h], init_values=vals)
    z = np.concatenate([x, h], 1) @ vals[kernel] + vals[bias]
    i, j, f, o = np.split(z, 4, axis=1)
    new_c = c * _sig(f + 0.7) + _sig(i) * np.tanh(j)
    new_h = np.tanh(new_c) * _sig(o)
    np.testing.assert_allclose(got_c, new_c, rtol=1e-12)
    np.testing.assert_allclose(got_h, new_h, rtol=1e-12)
    np.testing.assert_allclose(got_out, new_h, rtol=1e-12)


def test_basic_lstm_cell_with_concatenated_state_equals_the_tuple_state():
    x, c, h = RNG.randn(2, 3), RNG.randn(2, 4), RNG.randn(2, 4)
    with tf.variable_scope("a"):
        cell = rnn_cell.BasicLSTMCell(4, state_is_tuple=False)
        assert cell.state_size == 8
        out, state = cell(tf.constant(x), tf.constant(np.concatenate([c, h], 1)))
    with tf.variable_scope("b"):
        out2, state2 = rnn_cell.BasicLSTMCell(4)(tf.constant(x), (tf.constant(c),
                                                                   tf.constant(h)))
    ka, ba, kb, bb = tf.trainable_variables()
    vals = _randomize([ka, ba])
    vals.update({kb: vals[ka], bb: vals[ba]})
    got, got_tuple = _values([state, state2], init_values=vals)
    np.testing.assert_allclose(got, np.concatenate(got_tuple, 1), rtol=1e-12)


def test_lstm_cell_with_peepholes_clip_and_projection_matches_numpy():
    x, c, m = RNG.randn(3, 5), RNG.randn(3, 4), RNG.randn(3, 2)
    cell = rnn_cell.LSTMCell(4, use_peepholes=True, cell_clip=0.5, num_proj=2, proj_clip=0.3)
    assert cell.state_size == (4, 2) and cell.output_size == 2
    out, state = cell(tf.constant(x), rnn_cell.LSTMStateTuple(tf.constant(c), tf.constant(m)))
    names = [v.name for v in tf.trainable_variables()]
    assert names == ["lstm_cell/kernel:0", "lstm_cell/bias:0", "lstm_cell/w_f_diag:0",
                     "lstm_cell/w_i_diag:0", "lstm_cell/w_o_diag:0",
                     "lstm_cell/projection/kernel:0"]
    kernel, bias, wf, wi, wo, proj = tf.trainable_variables()
    vals = _randomize(tf.trainable_variables())
    got_out, got_c = _values([out, state.c], init_values=vals)
    z = np.concatenate([x, m], 1) @ vals[kernel] + vals[bias]
    i, j, f, o = np.split(z, 4, axis=1)
    new_c = _sig(f + 1.0 + vals[wf] * c) * c + _sig(i + vals[wi] * c) * np.tanh(j)
    new_c = np.clip(new_c, -0.5, 0.5)
    new_m = np.clip((_sig(o + vals[wo] * new_c) * np.tanh(new_c)) @ vals[proj], -0.3, 0.3)
    np.testing.assert_allclose(got_c, new_c, rtol=1e-12)
    np.testing.assert_allclose(got_out, new_m, rtol=1e-12)


def test_gru_cell_matches_numpy_and_starts_its_gate_bias_at_one():
    x, h = RNG.randn(3, 5), RNG.randn(3, 4)
    out, state = rnn_cell.GRUCell(4)(tf.constant(x), tf.constant(h))
    names = [v.name for v in tf.trainable_variables()]
    assert names == ["gru_cell/gates/kernel:0", "gru_cell/gates/bias:0",
                     "gru_cell/candidate/kernel:0", "gru_cell/candidate/bias:0"]
    gk, gb, ck, cb = tf.trainable_variables()
    np.testing.assert_array_equal(_values(gb), np.ones(8))
    vals = _randomize([gk, gb, ck, cb])
    got, got_state = _values([out, state], init_values=vals)
    r, u = np.split(_sig(np.concatenate([x, h], 1) @ vals[gk] + vals[gb]), 2, axis=1)
    cand = np.tanh(np.concatenate([x, r * h], 1) @ vals[ck] + vals[cb])
    np.testing.assert_allclose(got, u * h + (1 - u) * cand, rtol=1e-12)
    np.testing.assert_allclose(got_state, got)


def test_basic_rnn_cell_matches_numpy_with_a_custom_activation():
    x, h = RNG.randn(2, 3), RNG.randn(2, 5)
    out, state = rnn_cell.BasicRNNCell(5, activation=tf.nn.relu)(tf.constant(x), tf.constant(h))
    kernel, bias = tf.trainable_variables()
    assert kernel.name == "basic_rnn_cell/kernel:0" and kernel.shape.as_list() == [8, 5]
    vals = _randomize([kernel, bias])
    got = _values(out, init_values=vals)
    np.testing.assert_allclose(got, np.maximum(np.concatenate([x, h], 1) @ vals[kernel]
                                               + vals[bias], 0), rtol=1e-12)


# --- gradients ------------------------------------------------------------------------------
def test_tiny_lstm_gradients_match_central_differences():
    x_val = RNG.randn(2, 3, 2)
    x = tf.placeholder(tf.float64, [2, 3, 2])
    outputs, state = tf.nn.dynamic_rnn(rnn_cell.BasicLSTMCell(3), x, dtype=tf.float64,
                                       sequence_length=[3, 2])
    weights = tf.constant(RNG.randn(2, 3, 3))
    loss = tf.reduce_sum(outputs * weights) + tf.reduce_sum(state.c * state.h)
    kernel, bias = tf.trainable_variables()
    grads = tf.gradients(loss, [x, kernel, bias])
    vals = _randomize([kernel, bias])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for var, value in vals.items():
            var.load(value, sess)
        gx, gk, gb = sess.run(grads, {x: x_val})

        def numeric(f, point, eps=1e-6):
            out = np.zeros_like(point)
            for idx in np.ndindex(point.shape):
                up, down = point.copy(), point.copy()
                up[idx] += eps
                down[idx] -= eps
                out[idx] = (f(up) - f(down)) / (2 * eps)
            return out

        def at_var(var):
            def f(value):
                var.load(value, sess)
                result = sess.run(loss, {x: x_val})
                var.load(vals[var], sess)
                return result
            return f
        np.testing.assert_allclose(gx, numeric(lambda v: sess.run(loss, {x: v}), x_val),
                                   rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(gk, numeric(at_var(kernel), vals[kernel]), rtol=1e-6,
                                   atol=1e-8)
        np.testing.assert_allclose(gb, numeric(at_var(bias), vals[bias]), rtol=1e-6, atol=1e-8)
    # Steps past a sequence's end feed nothing back: example 1's last input has no gradient.
    assert np.all(gx[1, 2] == 0) and np.any(gx[0, 2] != 0)


# --- loops, sequence_length, names, reuse -------------------------------------------------
def _manual_run(cell_fn, xs, state):
    outs = []
    for t in range(xs.shape[1]):
        out, state = cell_fn(xs[:, t], state)
        outs.append(out)
    return (np.stack(outs, 1) if outs else None), state


def test_dynamic_rnn_zeroes_outputs_and_carries_state_past_each_sequence_end():
    x_val = RNG.randn(3, 5, 2)
    lengths = np.array([5, 2, 0])
    x = tf.placeholder(tf.float64, [None, 5, 2])
    outputs, state = tf.nn.dynamic_rnn(rnn_cell.BasicRNNCell(4), x, sequence_length=lengths,
                                       dtype=tf.float64)
    assert outputs.shape.as_list()[1:] == [5, 4] and state.shape.as_list()[1:] == [4]
    kernel, bias = tf.trainable_variables()
    vals = _randomize([kernel, bias])
    got_out, got_state = _values([outputs, state], {x: x_val}, vals)

    def step(xt, h):
        h = np.tanh(np.concatenate([xt, h], 1) @ vals[kernel] + vals[bias])
        return h, h
    for b, n in enumerate(lengths):
        want, last = _manual_run(step, x_val[b:b + 1, :n], np.zeros((1, 4)))
        if n:
            np.testing.assert_allclose(got_out[b, :n], want[0], rtol=1e-12)
        np.testing.assert_array_equal(got_out[b, n:], 0)
        np.testing.assert_allclose(got_state[b], last[0], rtol=1e-12)


def test_static_and_time_major_dynamic_rnn_share_variables_and_agree():
    x_val = RNG.randn(4, 3, 2).astype(np.float32)
    x = tf.placeholder(tf.float32, [4, 3, 2])
    cell = rnn_cell.BasicLSTMCell(5)
    with tf.variable_scope("shared"):
        outs, s_state = tf.nn.static_rnn(cell, tf.unstack(x, axis=1), dtype=tf.float32,
                                         sequence_length=[3, 1, 2, 3])
    with tf.variable_scope("shared", reuse=True):
        d_outs, d_state = tf.nn.dynamic_rnn(rnn_cell.BasicLSTMCell(5),
                                            tf.transpose(x, [1, 0, 2]), time_major=True,
                                            dtype=tf.float32, sequence_length=[3, 1, 2, 3])
    assert [v.name for v in tf.global_variables()] == ["shared/rnn/basic_lstm_cell/kernel:0",
                                                       "shared/rnn/basic_lstm_cell/bias:0"]
    assert d_outs.shape.as_list() == [3, 4, 5] and len(outs) == 3
    got = _values([tf.stack(outs), d_outs, s_state, d_state], {x: x_val})
    np.testing.assert_allclose(got[0], got[1], rtol=1e-6)
    np.testing.assert_allclose(got[2], got[3], rtol=1e-6)


def test_multi_rnn_cell_names_layers_cell_i_and_returns_one_state_per_layer():
    x = tf.placeholder(tf.float32, [None, 6, 3])
    cell = rnn_cell.MultiRNNCell([rnn_cell.BasicLSTMCell(4), rnn_cell.GRUCell(2)])
    outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    assert [v.name for v in tf.trainable_variables()][:3] == [
        "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel:0",
        "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias:0",
        "rnn/multi_rnn_cell/cell_1/gru_cell/gates/kernel:0"]
    assert outputs.shape.as_list() == [None, 6, 2]
    assert isinstance(state[0], rnn_cell.LSTMStateTuple) and state[1].shape.as_list() == [None, 2]
    got_out, got_state = _values([outputs, state], {x: RNG.randn(2, 6, 3)})
    np.testing.assert_allclose(got_out[:, -1], got_state[1], rtol=1e-6)


def test_rnn_without_initial_state_or_dtype_and_with_unknown_steps_raise():
    x = tf.placeholder(tf.float32, [None, 3, 2])
    with pytest.raises(ValueError, match="dtype must be specified"):
        tf.nn.dynamic_rnn(rnn_cell.BasicRNNCell(2), x)
    with pytest.raises(ValueError, match="static number of time steps"):
        tf.nn.dynamic_rnn(rnn_cell.BasicRNNCell(2), tf.placeholder(tf.float32, [2, None, 2]),
                          dtype=tf.float32, scope="other")
    with pytest.raises(ValueError, match="sequence_length must be a vector"):
        tf.nn.dynamic_rnn(rnn_cell.BasicRNNCell(2), x, sequence_length=[[1]], dtype=tf.float32,
                          scope="third")


def test_a_second_rnn_in_the_same_scope_without_reuse_raises_like_tf():
    x = [tf.zeros([2, 3])] * 2
    tf.nn.static_rnn(rnn_cell.BasicLSTMCell(4), x, dtype=tf.float32)
    with pytest.raises(ValueError, match="rnn/basic_lstm_cell/kernel already exists"):
        tf.nn.static_rnn(rnn_cell.BasicLSTMCell(4), x, dtype=tf.float32)


def test_zero_state_and_initial_state_are_used():
    cell = rnn_cell.MultiRNNCell([rnn_cell.BasicLSTMCell(3), rnn_cell.BasicRNNCell(2)])
    zero = cell.zero_state(5, tf.float32)
    assert zero[0].c.shape.as_list() == [5, 3] and zero[1].shape.as_list() == [5, 2]
    h0_val = RNG.randn(2, 3)
    h0 = tf.constant(h0_val)
    out, state = tf.nn.static_rnn(rnn_cell.BasicRNNCell(3), [tf.zeros([2, 1], tf.float64)],
                                  initial_state=h0)
    kernel, bias = tf.trainable_variables()
    vals = _randomize([kernel, bias])
    got = _values(state, init_values=vals)
    np.testing.assert_allclose(got, np.tanh(h0_val @ vals[kernel][1:] + vals[bias]))


# --- bidirectional ------------------------------------------------------------------------
def test_bidirectional_dynamic_rnn_reverses_each_sequence_within_its_length():
    x_val = RNG.randn(2, 4, 3)
    lengths = np.array([4, 2])
    x = tf.placeholder(tf.float64, [2, 4, 3])
    (out_fw, out_bw), (st_fw, st_bw) = tf.nn.bidirectional_dynamic_rnn(
        rnn_cell.BasicRNNCell(2), rnn_cell.BasicRNNCell(3), x, sequence_length=lengths,
        dtype=tf.float64)
    kf, bf, kb, bb = tf.trainable_variables()
    assert kf.name == "bidirectional_rnn/fw/basic_rnn_cell/kernel:0"
    assert kb.name == "bidirectional_rnn/bw/basic_rnn_cell/kernel:0"
    vals = _randomize([kf, bf, kb, bb])
    got_fw, got_bw, got_sbw = _values([out_fw, out_bw, st_bw], {x: x_val}, vals)

    def step_with(k, b):
        def step(xt, h):
            h = np.tanh(np.concatenate([xt, h], 1) @ vals[k] + vals[b])
            return h, h
        return step
    for i, n in enumerate(lengths):
        fw, _ = _manual_run(step_with(kf, bf), x_val[i:i + 1, :n], np.zeros((1, 2)))
        bw, last = _manual_run(step_with(kb, bb), x_val[i:i + 1, :n][:, ::-1], np.zeros((1, 3)))
        np.testing.assert_allclose(got_fw[i, :n], fw[0], rtol=1e-12)
        np.testing.assert_allclose(got_bw[i, :n], bw[0, ::-1], rtol=1e-12)
        np.testing.assert_array_equal(got_bw[i, n:], 0)
        np.testing.assert_allclose(got_sbw[i], last[0], rtol=1e-12)


def test_static_bidirectional_rnn_concatenates_forward_and_backward_outputs():
    xs = [tf.constant(RNG.randn(2, 3)) for _ in range(4)]
    outputs, st_fw, st_bw = tf.nn.static_bidirectional_rnn(
        rnn_cell.BasicLSTMCell(2), rnn_cell.GRUCell(3), xs, dtype=tf.float64)
    assert len(outputs) == 4 and outputs[0].shape.as_list() == [2, 5]
    names = [v.name for v in tf.trainable_variables()]
    assert names[0] == "bidirectional_rnn/fw/basic_lstm_cell/kernel:0"
    assert names[2] == "bidirectional_rnn/bw/gru_cell/gates/kernel:0"
    got, fw_h, bw_h = _values([outputs, st_fw.h, st_bw])
    np.testing.assert_allclose(got[-1][:, :2], fw_h)
    np.testing.assert_allclose(got[0][:, 2:], bw_h)  # the backward pass ends at step 0


# --- wrappers and namespaces --------------------------------------------------------------
def test_dropout_wrapper_drops_outputs_and_h_but_never_the_lstm_memory():
    tf.set_random_seed(3)
    x = tf.constant(RNG.rand(200, 3) + 0.5, tf.float32)
    inner = rnn_cell.BasicLSTMCell(50)
    cell = rnn_cell.DropoutWrapper(inner, output_keep_prob=0.5, state_keep_prob=0.5, seed=1)
    out, state = cell(x, inner.zero_state(200, tf.float32))
    plain_out, plain_state = inner(x, inner.zero_state(200, tf.float32))
    assert [v.name for v in tf.trainable_variables()] == ["basic_lstm_cell/kernel:0",
                                                          "basic_lstm_cell/bias:0"]
    o, c, h, po, pc = _values([out, state.c, state.h, plain_out, plain_state.c])
    np.testing.assert_allclose(c, pc, rtol=1e-6)
    kept = o != 0
    assert 0.4 < kept.mean() < 0.6
    np.testing.assert_allclose(o[kept], 2 * po[kept], rtol=1e-5)
    assert 0.4 < (h != 0).mean() < 0.6


def test_dropout_wrapper_with_keep_prob_one_is_the_cell_and_rejects_bad_probabilities():
    inner = rnn_cell.GRUCell(2)
    out, _ = rnn_cell.DropoutWrapper(inner)(tf.ones([1, 2]), tf.zeros([1, 2]))
    assert out.op.type != "Mul" or "dropout" not in out.op.name
    with pytest.raises(ValueError, match="between 0 and 1"):
        rnn_cell.DropoutWrapper(inner, input_keep_prob=1.5)


def test_rnn_names_are_in_tf_nn_rnn_cell_and_tf_contrib_rnn():
    for name in ("BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell",
                 "DropoutWrapper", "LSTMStateTuple", "RNNCell"):
        assert getattr(tf.nn.rnn_cell, name) is getattr(tf.contrib.rnn, name)
    assert tf.contrib.rnn.static_rnn is tf.nn.static_rnn
    assert tf.contrib.rnn.static_bidirectional_rnn is tf.nn.static_bidirectional_rnn


def test_a_cell_called_with_a_scope_puts_its_variables_directly_in_it():
    cell = rnn_cell.BasicLSTMCell(3)
    cell(tf.zeros([2, 4]), cell.zero_state(2, tf.float32), scope="foo")
    assert [v.name for v in tf.global_variables()] == ["foo/kernel:0", "foo/bias:0"]
