"""The tf.train optimizers step by step against NumPy references of TF's update formulas
(written here, independent of graphgrad/kernels/training.py), and the Optimizer base semantics.

Fused ops covered: ApplyGradientDescent, ApplyMomentum, ApplyAdam, ApplyAdagrad, ApplyRMSProp,
ApplyCenteredRMSProp, ApplyAdadelta.
"""
import numpy as np
import pytest

import graphgrad as tf

RNG = np.random.default_rng(7)
X = RNG.normal(size=(5, 3))
Y = RNG.normal(size=(5, 2))
W0 = RNG.normal(size=(3, 2))
B0 = RNG.normal(size=(2,))


def f32(h):
    """TF converts a Python hyperparameter to a float32 tensor, then casts it to the variable's
    dtype: a float64 model sees the float32-rounded value."""
    return float(np.float32(h))


def numpy_grads(w, b):
    r = X @ w + b - Y
    return 2 * X.T @ r, 2 * r.sum(axis=0)


# --- NumPy references: state is a dict of slot arrays; t counts steps from 1 ---------------
def ref_sgd(lr):
    def step(w, g, s, t):
        return w - f32(lr) * g
    return step, {}


def ref_momentum(lr, mu, nesterov=False):
    def step(w, g, s, t):
        s["momentum"] = f32(mu) * s["momentum"] + g
        if nesterov:
            return w - f32(lr) * g - f32(lr) * f32(mu) * s["momentum"]
        return w - f32(lr) * s["momentum"]
    return step, {"momentum": 0.0}


def _float32_power(beta, t):
    # beta1_power is a float32 variable multiplied by float32 beta once per step.
    p = np.float32(beta)
    for _ in range(t - 1):
        p = np.float32(p * np.float32(beta))
    return float(p)


def ref_adam(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    def step(w, g, s, t):
        lr_t = f32(lr) * np.sqrt(1 - _float32_power(beta2, t)) / (1 - _float32_power(beta1, t))
        s["m"] = f32(beta1) * s["m"] + (1 - f32(beta1)) * g
        s["v"] = f32(beta2) * s["v"] + (1 - f32(beta2)) * g * g
        return w - lr_t * s["m"] / (np.sqrt(s["v"]) + f32(eps))
    return step, {"m": 0.0, "v": 0.0}


def ref_adagrad(lr, init=0.1):
    def step(w, g, s, t):
        s["accumulator"] = s["accumulator"] + g * g
        return w - f32(lr) * g / np.sqrt(s["accumulator"])
    # The accumulator starts at a constant of the variable's own dtype: no float32 rounding.
    return step, {"accumulator": init}


def ref_rmsprop(lr, decay=0.9, momentum=0.0, eps=1e-10, centered=False):
    rho, mu, eps = f32(decay), f32(momentum), f32(eps)

    def step(w, g, s, t):
        s["rms"] = rho * s["rms"] + (1 - rho) * g * g
        denom = s["rms"] + eps
        if centered:
            s["mg"] = rho * s["mg"] + (1 - rho) * g
            denom = denom - s["mg"] ** 2
        s["momentum"] = mu * s["momentum"] + f32(lr) * g / np.sqrt(denom)
        return w - s["momentum"]
    slots = {"rms": 1.0, "momentum": 0.0}
    if centered:
        slots["mg"] = 0.0
    return step, slots


def ref_adadelta(lr=0.001, rho=0.95, eps=1e-8):
    rho, eps = f32(rho), f32(eps)

    def step(w, g, s, t):
        s["accum"] = rho * s["accum"] + (1 - rho) * g * g
        update = np.sqrt(s["accum_update"] + eps) / np.sqrt(s["accum"] + eps) * g
        s["accum_update"] = rho * s["accum_update"] + (1 - rho) * update * update
        return w - f32(lr) * update
    return step, {"accum": 0.0, "accum_update": 0.0}


OPTIMIZERS = {
    "sgd": (lambda: tf.train.GradientDescentOptimizer(0.1), ref_sgd(0.1), "ApplyGradientDescent"),
    "momentum": (lambda: tf.train.MomentumOptimizer(0.05, 0.9), ref_momentum(0.05, 0.9),
                 "ApplyMomentum"),
    "nesterov": (lambda: tf.train.MomentumOptimizer(0.05, 0.7, use_nesterov=True),
                 ref_momentum(0.05, 0.7, nesterov=True), "ApplyMomentum"),
    "adam": (lambda: tf.train.AdamOptimizer(0.1), ref_adam(0.1), "ApplyAdam"),
    "adam_defaults": (lambda: tf.train.AdamOptimizer(), ref_adam(), "ApplyAdam"),
    "adagrad": (lambda: tf.train.AdagradOptimizer(0.3), ref_adagrad(0.3), "ApplyAdagrad"),
    "adagrad_init": (lambda: tf.train.AdagradOptimizer(0.3, initial_accumulator_value=2.5),
                     ref_adagrad(0.3, 2.5), "ApplyAdagrad"),
    "rmsprop": (lambda: tf.train.RMSPropOptimizer(0.01), ref_rmsprop(0.01), "ApplyRMSProp"),
    "rmsprop_momentum": (lambda: tf.train.RMSPropOptimizer(0.01, decay=0.8, momentum=0.5),
                         ref_rmsprop(0.01, 0.8, 0.5), "ApplyRMSProp"),
    "rmsprop_centered": (
        lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.3, epsilon=1e-6, centered=True),
        ref_rmsprop(0.01, momentum=0.3, eps=1e-6, centered=True), "ApplyCenteredRMSProp"),
    "adadelta": (lambda: tf.train.AdadeltaOptimizer(1.0), ref_adadelta(1.0), "ApplyAdadelta"),
    "adadelta_defaults": (lambda: tf.train.AdadeltaOptimizer(), ref_adadelta(), "ApplyAdadelta"),
}


def _model(dtype=tf.float64):
    w = tf.Variable(W0.astype(dtype.np), name="w")
    b = tf.Variable(B0.astype(dtype.np), name="b")
    pred = tf.matmul(tf.constant(X, dtype=dtype), w) + b
    loss = tf.reduce_sum(tf.square(pred - tf.constant(Y, dtype=dtype)))
    return w, b, loss


@pytest.mark.parametrize("key", sorted(OPTIMIZERS))
def test_optimizer_matches_numpy_reference_of_tf_formula_step_by_step(key):
    make, (ref_step, slot_init), op_type = OPTIMIZERS[key]
    with tf.Graph().as_default() as g:
        w, b, loss = _model()
        opt = make()
        train = opt.minimize(loss)
        assert op_type in {op.type for op in g.get_operations()}
        assert sorted(slot_init) == opt.get_slot_names()
        ref = {"w": W0.copy(), "b": B0.copy()}
        state = {name: {k: np.full(v.shape, init) for k, init in slot_init.items()}
                 for name, v in ref.items()}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for t in range(1, 5):
                before = sess.run([w, b])
                grads = dict(zip(("w", "b"), numpy_grads(ref["w"], ref["b"])))
                for name in ("w", "b"):
                    ref[name] = ref_step(ref[name], grads[name], state[name], t)
                sess.run(train)
                after = sess.run([w, b])
                for var, old, new, name in zip((w, b), before, after, ("w", "b")):
                    assert new.dtype == np.float64
                    np.testing.assert_allclose(new, ref[name], rtol=1e-11, atol=1e-13)
                    # The step itself, so that a small wrong update cannot hide in the value.
                    np.testing.assert_allclose(new - old, ref[name] - old, rtol=1e-8,
                                               atol=1e-15)
                    for slot, expected in state[name].items():
                        np.testing.assert_allclose(sess.run(opt.get_slot(var, slot)),
                                                   expected, rtol=1e-10, atol=1e-14)


def test_hyperparameters_may_be_tensors_variables_or_callables_and_change_between_runs():
    with tf.Graph().as_default():
        w, b, loss = _model()
        lr = tf.placeholder(tf.float64, [])
        mu = tf.Variable(0.5, dtype=tf.float64)
        train = tf.train.MomentumOptimizer(lr, lambda: mu).minimize(loss, var_list=[w])
        ref_w, acc = W0.copy(), 0.0
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for step, rate in enumerate([0.01, 0.003, 0.02]):
                if step == 2:
                    sess.run(mu.assign(0.25))
                acc = [0.5, 0.5, 0.25][step] * acc + numpy_grads(ref_w, B0)[0]
                ref_w = ref_w - rate * acc
                sess.run(train, {lr: rate})
                # float64 tensors reach the kernel without float32 rounding.
                np.testing.assert_allclose(sess.run(w), ref_w, rtol=1e-12)
            np.testing.assert_array_equal(sess.run(b), B0)


def test_minimize_updates_only_trainable_variables_on_the_loss_path():
    with tf.Graph().as_default():
        w = tf.Variable([1.0, 2.0, -1.5])
        frozen = tf.Variable([3.0, 0.5, 2.0], trainable=False)
        off_path = tf.Variable([4.0, 5.0])
        loss = tf.reduce_sum(w * w * frozen)
        train = tf.train.AdamOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train)
            assert np.all(sess.run(w) != [1.0, 2.0, -1.5])
            np.testing.assert_array_equal(sess.run(frozen), [3.0, 0.5, 2.0])
            np.testing.assert_array_equal(sess.run(off_path), [4.0, 5.0])


def test_compute_gradients_pairs_none_with_an_unconnected_variable():
    with tf.Graph().as_default():
        w = tf.Variable(2.0)
        other = tf.Variable(3.0)
        opt = tf.train.GradientDescentOptimizer(0.1)
        grads_and_vars = opt.compute_gradients(w * w)
        assert [v for _, v in grads_and_vars] == [w, other]
        assert grads_and_vars[1][0] is None
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            assert sess.run(grads_and_vars[0][0]) == 4.0


def test_minimize_raises_when_the_loss_depends_on_no_variable():
    with tf.Graph().as_default():
        tf.Variable(1.0)
        x = tf.placeholder(tf.float32, [])
        with pytest.raises(ValueError, match="No gradients provided for any variable, check"):
            tf.train.GradientDescentOptimizer(0.1).minimize(x * 2.0)


def test_apply_gradients_argument_errors():
    with tf.Graph().as_default():
        v = tf.Variable(1.0)
        opt = tf.train.GradientDescentOptimizer(0.1)
        with pytest.raises(ValueError, match="No variables provided"):
            opt.apply_gradients([])
        with pytest.raises(ValueError, match="No gradients provided for any variable: "):
            opt.apply_gradients([(None, v)])
        with pytest.raises(TypeError, match="not a tf.Variable"):
            opt.compute_gradients(v * 2.0, var_list=[v.value()])
        with pytest.raises(ValueError, match="Invalid type"):
            opt.compute_gradients(tf.constant(3), var_list=[v])
        with pytest.raises(ValueError, match="initial_accumulator_value must be positive"):
            tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.0)
        with pytest.raises(ValueError, match="not compatible"):
            opt.apply_gradients([(tf.constant([1.0, 2.0]), v)])


def test_train_op_is_an_operation_named_like_tf_and_collected_as_train_op():
    with tf.Graph().as_default() as g:
        w = tf.Variable([1.0, 2.0])
        loss = tf.reduce_sum(w * w)
        sgd = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        adam = tf.train.AdamOptimizer().minimize(loss)
        adam2 = tf.train.AdamOptimizer().minimize(loss, name="Second")
        step = tf.train.get_or_create_global_step()
        adam3 = tf.train.AdamOptimizer().minimize(loss, global_step=step)
        assert all(isinstance(op, tf.Operation) for op in (sgd, adam, adam2, adam3))
        assert [sgd.name, adam.name, adam2.name, adam3.name] == [
            "GradientDescent", "Adam", "Second", "Adam_1"]
        assert g.get_collection(tf.GraphKeys.TRAIN_OP) == [sgd, adam, adam2, adam3]
        assert g.get_operation_by_name("Adam/update_Variable/ApplyAdam").type == "ApplyAdam"


def test_global_step_is_incremented_once_per_run_after_the_updates():
    with tf.Graph().as_default():
        w = tf.Variable(1.0)
        step = tf.train.get_or_create_global_step()
        train = tf.train.GradientDescentOptimizer(0.25).minimize(w * w, global_step=step)
        # The increment waits on the group of all updates ('GradientDescent/update').
        assert train.type == "AssignAdd"
        (update,) = train.control_inputs
        assert update.name == "GradientDescent/update"
        assert {c.type for c in update.control_inputs} == {"ApplyGradientDescent"}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(train)
            assert sess.run(step) == 3
            assert sess.run(w) == 0.125


def test_fetching_the_loss_with_the_train_op_sees_the_weights_before_the_update():
    with tf.Graph().as_default():
        w = tf.Variable(3.0)
        loss = w * w
        train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            assert sess.run([loss, train])[0] == 9.0
            assert sess.run(w) == 0.0


def test_slot_variables_are_named_like_tf_and_not_trainable():
    with tf.Graph().as_default() as g:
        w = tf.Variable(tf.zeros([2, 3]))
        with tf.name_scope("layer"):
            b = tf.Variable(tf.zeros([3]), name="bias")
        loss = tf.reduce_sum(tf.matmul(tf.ones([4, 2]), w) + b)
        with tf.name_scope("train"):
            adam = tf.train.AdamOptimizer()
            adam.minimize(loss)
        rms = tf.train.RMSPropOptimizer(0.1, centered=True)
        rms.minimize(loss)
        assert adam.get_slot(w, "m").name == "Variable/Adam:0"
        assert adam.get_slot(w, "v").name == "Variable/Adam_1:0"
        assert adam.get_slot(b, "m").name == "layer/bias/Adam:0"
        assert adam.get_slot(w, "nope") is None and adam.get_slot_names() == ["m", "v"]
        assert [v.op.name for v in adam.variables()] == [
            "Variable/Adam", "Variable/Adam_1", "layer/bias/Adam", "layer/bias/Adam_1",
            "train/beta1_power", "train/beta2_power"]
        assert [rms.get_slot(w, n).op.name for n in ("rms", "mg", "momentum")] == [
            "Variable/RMSProp", "Variable/RMSProp_1", "Variable/RMSProp_2"]
        assert adam.get_slot(w, "m").get_shape().as_list() == [2, 3]
        assert tf.trainable_variables() == [w, b]
        assert set(adam.variables()) <= set(g.get_collection(tf.GraphKeys.GLOBAL_VARIABLES))


def test_slot_initial_values_follow_tf():
    with tf.Graph().as_default():
        w = tf.Variable(np.ones((2, 2), np.float32))
        loss = tf.reduce_sum(w)
        rms, ada = tf.train.RMSPropOptimizer(0.1), tf.train.AdagradOptimizer(0.1)
        adam = tf.train.AdamOptimizer(beta1=0.8, beta2=0.7)
        trains = [o.minimize(loss) for o in (rms, ada, adam)]
        beta1_power, beta2_power = adam._get_beta_accumulators()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_array_equal(sess.run(rms.get_slot(w, "rms")), np.ones((2, 2)))
            np.testing.assert_allclose(sess.run(ada.get_slot(w, "accumulator")), 0.1)
            assert sess.run(ada.get_slot(w, "accumulator")).dtype == np.float32
            assert sess.run([beta1_power, beta2_power]) == [np.float32(0.8), np.float32(0.7)]
            sess.run(trains[2])
            # Updated once per run, after every variable used the old powers.
            np.testing.assert_allclose(sess.run([beta1_power, beta2_power]), [0.64, 0.49],
                                       rtol=1e-6)


def test_running_a_train_op_before_its_slots_are_initialized_names_the_slot():
    with tf.Graph().as_default():
        w = tf.Variable([1.0, 2.0])
        init = tf.global_variables_initializer()
        train = tf.train.MomentumOptimizer(0.1, 0.9).minimize(tf.reduce_sum(w * w))
        with tf.Session() as sess:
            sess.run(init)
            with pytest.raises(tf.errors.FailedPreconditionError, match="Variable/Momentum"):
                sess.run(train)


def test_float32_variables_stay_float32_with_python_hyperparameters():
    with tf.Graph().as_default():
        w, _, loss = _model(tf.float32)
        train = tf.train.RMSPropOptimizer(0.01, momentum=0.9, centered=True).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            first = sess.run(loss)
            for _ in range(20):
                sess.run(train)
            assert sess.run(w).dtype == np.float32 and sess.run(loss) < first


def test_clipping_gradients_between_compute_and_apply():
    with tf.Graph().as_default():
        w, b, loss = _model()
        opt = tf.train.GradientDescentOptimizer(0.01)
        grads, variables = zip(*opt.compute_gradients(loss))
        clipped, norm = tf.clip_by_global_norm(grads, 1.5)
        train = opt.apply_gradients(zip(clipped, variables))
        gw, gb = numpy_grads(W0, B0)
        expected_norm = np.sqrt(np.sum(gw ** 2) + np.sum(gb ** 2))
        scale = 1.5 / max(expected_norm, 1.5)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_allclose(sess.run(norm), expected_norm, rtol=1e-12)
            sess.run(train)
            np.testing.assert_allclose(sess.run(w), W0 - f32(0.01) * scale * gw, rtol=1e-12)
            np.testing.assert_allclose(sess.run(b), B0 - f32(0.01) * scale * gb, rtol=1e-12)


def test_apply_op_checks_shapes_at_run_time_when_unknown_while_building():
    with tf.Graph().as_default():
        w = tf.Variable([1.0, 2.0])
        g = tf.placeholder(tf.float32, None)
        train = tf.train.GradientDescentOptimizer(0.1).apply_gradients([(g, w)])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train, {g: [1.0, 1.0]})
            np.testing.assert_allclose(sess.run(w), [0.9, 1.9])
            with pytest.raises(tf.errors.InvalidArgumentError, match="same shape"):
                sess.run(train, {g: [1.0, 1.0, 1.0]})
