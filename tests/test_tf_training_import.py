"""Training graphs written by real TensorFlow (the MetaGraphDefs model.ckpt-5.meta under
tests/fixtures/tf, from tools/make_tf_fixtures.py) imported op by op, loaded from TF's checkpoint
and trained further with TF's own gradient and update ops; the ops those graphs need
(DynamicStitch, BroadcastGradientArgs, reductions over a computed axis) at user level."""
import os

import numpy as np
import pytest

import graphgrad as tf
from graphgrad.interop import graphdef, protos
from graphgrad.ops.stitch_ops import broadcast_gradient_args

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "tf")
RESUME_STEPS = 3  # as tools/make_tf_fixtures.py
TRAIN_OPS = {"softmax": "GradientDescent", "cnn": "Adam"}


def _training_graph_def(model):
    """The fixture's GraphDef without the saver's `save/` nodes."""
    meta = protos.MetaGraphDef()
    with open(os.path.join(FIXTURES, model, "model.ckpt-5.meta"), "rb") as f:
        meta.ParseFromString(f.read())
    graph_def = protos.GraphDef()
    graph_def.versions.CopyFrom(meta.graph_def.versions)
    for node in meta.graph_def.node:
        if not node.name.startswith("save/"):
            graph_def.node.add().CopyFrom(node)
    return graph_def


def _fixture(model, name):
    return np.load(os.path.join(FIXTURES, model, name + ".npy"))


def _import_and_restore(model):
    """A session on the imported training graph, every variable assigned its checkpoint value
    through TF's own `<var>/Assign` initializer (its value input fed)."""
    graph_def = _training_graph_def(model)
    graph = tf.Graph()
    with graph.as_default():
        tf.import_graph_def(graph_def, name="")
    prefix = os.path.join(FIXTURES, model, "model.ckpt-5")
    names = [n.name for n in graph_def.node if n.op == "VariableV2"]
    inits = [graph.get_operation_by_name(name + "/Assign") for name in names]
    feeds = {op.inputs[1]: tf.train.load_variable(prefix, name) for op, name in zip(inits, names)}
    sess = tf.Session(graph=graph)
    sess.run(inits, feeds)
    return graph, sess


@pytest.mark.parametrize("model", ["softmax", "cnn"])
def test_tf_training_graph_resumes_from_tf_checkpoint_with_tf_numbers(model):
    graph, sess = _import_and_restore(model)
    y = graph.get_tensor_by_name("y:0")
    np.testing.assert_allclose(sess.run(y, {"x:0": _fixture(model, "x_eval")}),
                               _fixture(model, "y_eval"), rtol=1e-5, atol=1e-6)
    train = graph.get_operation_by_name(TRAIN_OPS[model])
    batch = {"x:0": _fixture(model, "x_batch"), "labels:0": _fixture(model, "y_batch")}
    for _ in range(RESUME_STEPS):
        sess.run(train, batch)
    np.testing.assert_allclose(sess.run(y, {"x:0": _fixture(model, "x_eval")}),
                               _fixture(model, "y_after"), rtol=1e-4, atol=1e-5)
    assert sess.run("global_step:0") == 5 + RESUME_STEPS


def test_tf_adam_updates_its_beta_power_variables_through_the_graph():
    graph, sess = _import_and_restore("cnn")
    assert graph.get_operation_by_name("Adam/update_fc_w/ApplyAdam").type == "ApplyAdam"
    np.testing.assert_allclose(sess.run("beta1_power:0"), 0.9 ** 6, rtol=1e-6)
    sess.run("Adam", {"x:0": _fixture("cnn", "x_batch"), "labels:0": _fixture("cnn", "y_batch")})
    np.testing.assert_allclose(sess.run(["beta1_power:0", "beta2_power:0"]),
                               [0.9 ** 7, 0.999 ** 7], rtol=1e-6)


def test_tf_gradient_sums_over_computed_axes_import_as_dynamic_reductions():
    graph_def = _training_graph_def("softmax")
    with tf.Graph().as_default() as graph:
        tf.import_graph_def(graph_def, name="")
    # Summed over BroadcastGradientArgs' output: the axis is only known at run time.
    reduce_op = graph.get_operation_by_name("gradients/mul_grad/Sum")
    assert reduce_op.type == "DynamicSum"
    assert reduce_op.inputs[1].op.type == "BroadcastGradientArgs"
    # A constant axis keeps the static (fast) form.
    assert graph.get_operation_by_name("Sum").type == "Sum"
    types = {op.type for op in graph.get_operations()}
    assert {"DynamicStitch", "VariableV2", "ApplyGradientDescent", "AssignAdd"} <= types


# --- hand-built GraphDefs ----------------------------------------------------------------------
def _const(graph_def, name, value):
    value = np.asarray(value)
    node = graph_def.node.add(name=name, op="Const")
    enum = {"int32": 3, "float32": 1}[value.dtype.name]
    node.attr["dtype"].type = enum
    tensor = node.attr["value"].tensor
    tensor.dtype = enum
    for d in value.shape:
        tensor.tensor_shape.dim.add(size=d)
    tensor.tensor_content = value.astype(value.dtype.newbyteorder("<")).tobytes()


def _node(graph_def, name, op, inputs):
    node = graph_def.node.add(name=name, op=op)
    node.input.extend(inputs)
    node.attr["T"].type = 1
    return node


def _variable(graph_def, name, value):
    """A VariableV2 node and its `<name>/Assign` initializer from a float32 constant."""
    value = np.float32(value)
    node = graph_def.node.add(name=name, op="VariableV2")
    node.attr["dtype"].type = 1
    for d in value.shape:
        node.attr["shape"].shape.dim.add(size=d)
    _const(graph_def, name + "/initial_value", value)
    _node(graph_def, name + "/Assign", "Assign", [name, name + "/initial_value"])


def _run_graph_def(graph_def, fetches, init=()):
    with tf.Graph().as_default() as graph:
        tf.import_graph_def(graph_def, name="")
        with tf.Session() as sess:
            sess.run(list(init))
            return [sess.run(f) for f in fetches], graph


def test_unsupported_op_type_error_names_the_type_and_the_node():
    graph_def = protos.GraphDef()
    _const(graph_def, "a", np.float32([1, 2]))
    _node(graph_def, "my/fancy", "FancyOpV7", ["a"])
    with pytest.raises(ValueError, match=r"'my/fancy'.*'FancyOpV7'"):
        graphdef.to_graph_dict(graph_def)


def test_saver_nodes_are_refused_with_a_way_out():
    graph_def = protos.GraphDef()
    _const(graph_def, "a", np.float32([1, 2]))
    _node(graph_def, "save/SaveV2", "SaveV2", ["a"])
    with pytest.raises(ValueError, match=r"'save/SaveV2'.*'SaveV2'.*tf.train.Saver"):
        graphdef.to_graph_dict(graph_def)


def test_negative_constant_axis_keeps_an_exact_static_shape():
    graph_def = protos.GraphDef()
    _const(graph_def, "a", np.arange(24, dtype=np.float32).reshape(2, 3, 4))
    _const(graph_def, "axis", np.int32([-1]))
    _node(graph_def, "s", "Sum", ["a", "axis"]).attr["Tidx"].type = 3
    with tf.Graph().as_default():
        (s,) = tf.import_graph_def(graph_def, return_elements=["s:0"])
        assert s.shape.as_list() == [2, 3]
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(s), np.arange(24).reshape(2, 3, 4).sum(-1))


def test_gather_axis_input_becomes_the_attr_and_must_be_constant():
    graph_def = protos.GraphDef()
    _const(graph_def, "p", np.arange(6, dtype=np.float32).reshape(2, 3))
    _const(graph_def, "i", np.int32([2, 0]))
    _const(graph_def, "axis", np.int32(1))
    _node(graph_def, "g", "GatherV2", ["p", "i", "axis"])
    with tf.Graph().as_default():
        (g,) = tf.import_graph_def(graph_def, return_elements=["g:0"])
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(g), [[2, 0], [5, 3]])
    _node(graph_def, "computed", "Neg", ["axis"])
    _node(graph_def, "g2", "GatherV2", ["p", "i", "computed"])
    with pytest.raises(ValueError, match=r"'g2'.*input 2 \('computed'\).*constant"):
        graphdef.to_graph_dict(graph_def)


# --- reductions over a computed axis at user level ---------------------------------------------
REDUCERS = [(tf.reduce_sum, np.sum), (tf.reduce_mean, np.mean), (tf.reduce_max, np.max),
            (tf.reduce_min, np.min), (tf.reduce_prod, np.prod)]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("reduce,ref", REDUCERS, ids=[r[0].__name__ for r in REDUCERS])
def test_reduce_over_computed_axis_matches_numpy_value_and_gradient(reduce, ref, keepdims):
    rng = np.random.default_rng(7)
    value = rng.uniform(0.5, 1.5, size=(2, 3, 4)) * rng.choice([-1, 1], size=(2, 3, 4))
    x = tf.placeholder(tf.float64, [None, 3, 4])
    axis = tf.placeholder(tf.int32, [None])
    y = reduce(x, axis=axis, keepdims=keepdims)
    assert y.op.name == reduce(x, 0).op.type  # named as TF names the reduction
    weights = rng.normal(size=(2, 1, 4) if keepdims else (2, 4))
    grad = tf.gradients(tf.reduce_sum(y * weights), x)[0]
    with tf.Session() as sess:
        out, g = sess.run([y, grad], {x: value, axis: [1]})
        np.testing.assert_allclose(out, ref(value, axis=1, keepdims=keepdims), rtol=1e-12)
        # Central differences of sum(w * reduce(x)) along a random direction.
        d, eps = rng.normal(size=value.shape), 1e-6
        loss = tf.reduce_sum(y * weights)
        plus = sess.run(loss, {x: value + eps * d, axis: [1]})
        minus = sess.run(loss, {x: value - eps * d, axis: [1]})
        np.testing.assert_allclose(np.sum(g * d), (plus - minus) / (2 * eps), rtol=1e-6)


def test_computed_axis_shapes_are_as_known_as_tf_makes_them():
    x = tf.placeholder(tf.float32, [2, 1, 4])
    axis = tf.placeholder(tf.int32, [None])
    assert tf.reduce_sum(x, axis, keepdims=True).shape.as_list() == [None, 1, None]
    assert tf.reduce_sum(x, axis).shape.ndims is None
    two_axes = tf.placeholder(tf.int32, [2])
    assert tf.reduce_sum(x, two_axes).shape.as_list() == [None]
    assert tf.reduce_sum(x, tf.placeholder(tf.int32, [0])).shape.as_list() == [2, 1, 4]
    scalar_axis = tf.placeholder(tf.int32, [])
    assert tf.reduce_mean(x, scalar_axis).shape.as_list() == [None, None]
    # A list holding a computed tensor is packed into the axis tensor.
    mixed = tf.reduce_max(x, [scalar_axis, 2])
    assert mixed.op.type == "DynamicMax"
    with tf.Session() as sess:
        value = np.arange(8, dtype=np.float32).reshape(2, 1, 4)
        np.testing.assert_array_equal(sess.run(mixed, {x: value, scalar_axis: 0}), [7])


def test_constant_axis_tensor_keeps_the_static_reduction():
    x = tf.placeholder(tf.float32, [2, 3])
    y = tf.reduce_sum(x, tf.constant(1))
    assert y.op.type == "Sum" and y.shape.as_list() == [2]


def test_all_and_any_over_computed_axis():
    x = tf.placeholder(tf.bool, [2, 3])
    axis = tf.placeholder(tf.int32, [])
    value = np.array([[True, False, True], [True, True, True]])
    with tf.Session() as sess:
        feeds = {x: value, axis: -1}
        all_, any_ = sess.run([tf.reduce_all(x, axis), tf.reduce_any(x, axis, keepdims=True)],
                              feeds)
    np.testing.assert_array_equal(all_, [False, True])
    np.testing.assert_array_equal(any_, [[True], [True]])


def test_computed_axis_out_of_range_fails_naming_the_op():
    x = tf.placeholder(tf.float32, [2, 3])
    axis = tf.placeholder(tf.int32, [None])
    y = tf.reduce_sum(x, axis, name="total")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"(?s)Invalid reduction dimension \(2 for input with 2.*'total'"):
            sess.run(y, {x: np.zeros((2, 3)), axis: [2]})
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"Axes contains duplicate dimension: 1"):
            sess.run(y, {x: np.zeros((2, 3)), axis: [1, -1]})


# --- DynamicStitch and BroadcastGradientArgs ---------------------------------------------------
def test_dynamic_stitch_later_indices_win_and_gradients_gather_as_tf():
    a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    b = tf.constant([[5.0, 6.0]])
    merged = tf.dynamic_stitch([[0, 1], [1]], [a, b])
    ga, gb = tf.gradients(tf.reduce_sum(merged * [[1.0], [10.0]]), [a, b])
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(merged), [[1, 2], [5, 6]])
        # TF1 gathers the gradient for every data input, even the overwritten one.
        np.testing.assert_array_equal(sess.run(ga), [[1, 1], [10, 10]])
        np.testing.assert_array_equal(sess.run(gb), [[10, 10]])


def test_broadcast_gradient_args_reduction_indices():
    s0 = tf.placeholder(tf.int32, [None])
    r0, r1 = broadcast_gradient_args(s0, [3, 1])
    with tf.Session() as sess:
        got = sess.run([r0, r1], {s0: [4, 1, 1]})
        np.testing.assert_array_equal(got[0], [1, 2])
        np.testing.assert_array_equal(got[1], [0, 2])
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"Incompatible shapes"):
            sess.run(r0, {s0: [2, 4]})
    from graphgrad.graph.registry import get_gradient_function
    assert get_gradient_function(r0.op) is None  # declared not differentiable, as in TF


def test_logsumexp_count_nonzero_and_variance_take_a_computed_axis():
    x = tf.placeholder(tf.float64, [2, 3])
    axis = tf.placeholder(tf.int32, [])
    value = np.array([[0.5, 0.0, -2.0], [1.0, 3.0, 0.0]])
    ops = [tf.reduce_logsumexp(x, axis), tf.count_nonzero(x, axis, keepdims=True),
           tf.math.reduce_variance(x, axis)]
    with tf.Session() as sess:
        lse, nonzero, var = sess.run(ops, {x: value, axis: 1})
    np.testing.assert_allclose(lse, np.log(np.exp(value).sum(1)), rtol=1e-12)
    np.testing.assert_array_equal(nonzero, [[2], [2]])
    np.testing.assert_allclose(var, value.var(1), rtol=1e-12)


def test_common_tf1_training_ops_map_with_tf_conventions():
    logits = np.float32([[1.0, 2.0, 3.0], [0.5, -1.0, 7.0]])
    graph_def = protos.GraphDef()
    _const(graph_def, "logits", logits)
    _const(graph_def, "onehot", np.float32([[0, 0, 1], [1, 0, 0]]))
    _const(graph_def, "classes", np.int32([2, 0]))
    _const(graph_def, "begin", np.int32([0, 1]))
    _const(graph_def, "size", np.int32([2, 2]))
    _node(graph_def, "xent", "SoftmaxCrossEntropyWithLogits", ["logits", "onehot"])
    _node(graph_def, "sparse", "SparseSoftmaxCrossEntropyWithLogits", ["logits", "classes"])
    _node(graph_def, "bias_grad", "BiasAddGrad", ["logits"])
    _node(graph_def, "add_n", "AddN", ["logits", "logits", "logits"]).attr["N"].i = 3
    _node(graph_def, "l2", "L2Loss", ["logits"])
    _node(graph_def, "count", "Size", ["logits"])  # out_type stripped: TF's default int32
    _node(graph_def, "rank", "Rank", ["logits"])
    _node(graph_def, "slice", "Slice", ["logits", "begin", "size"])
    _node(graph_def, "relu6_grad", "Relu6Grad", ["logits", "logits"])
    fetches = ["xent:0", "xent:1", "sparse:0", "bias_grad:0", "add_n:0", "l2:0", "count:0",
               "rank:0", "slice:0", "relu6_grad:0"]
    got, _ = _run_graph_def(graph_def, fetches)
    log_softmax = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    expected = [-log_softmax[[0, 1], [2, 0]], np.exp(log_softmax) - [[0, 0, 1], [1, 0, 0]],
                -log_softmax[[0, 1], [2, 0]], logits.sum(0), 3 * logits,
                (logits ** 2).sum() / 2, 6, 2, logits[:, 1:],
                np.where((logits > 0) & (logits < 6), logits, 0)]
    for name, a, b in zip(fetches, got, expected):
        np.testing.assert_allclose(a, b, rtol=1e-6, err_msg=name)
    assert got[6].dtype == np.int32


@pytest.mark.parametrize("op,slots,hyper,update", [
    ("ApplyMomentum", 1, [0.1, 0.9],
     lambda w, s, g: (w - 0.1 * (s[0] * 0.9 + g), [s[0] * 0.9 + g])),
    ("ApplyAdagrad", 1, [0.1],
     lambda w, s, g: (w - 0.1 * g / np.sqrt(s[0] + g * g), [s[0] + g * g])),
    ("ApplyRMSProp", 2, [0.1, 0.9, 0.5, 1e-7],
     lambda w, s, g: _rms_prop(w, s, g, lr=0.1, rho=0.9, momentum=0.5, eps=1e-7)),
])
def test_tf_optimizer_update_ops_keep_tf_input_order(op, slots, hyper, update):
    w, grad = np.float32([1.0, -2.0, 3.0]), np.float32([0.5, 0.25, -1.0])
    slot_values = [np.float32([0.1, 0.2, 0.3]) * (k + 1) for k in range(slots)]
    graph_def = protos.GraphDef()
    _variable(graph_def, "w", w)
    for k, value in enumerate(slot_values):
        _variable(graph_def, f"slot{k}", value)
    _const(graph_def, "grad", grad)
    for k, value in enumerate(hyper):
        _const(graph_def, f"h{k}", np.float32(value))
    refs, hypers = ["w"] + [f"slot{k}" for k in range(slots)], [f"h{k}" for k in range(len(hyper))]
    # TF's order: the variable and its slots, lr, then the rest with grad where TF puts it.
    inputs = refs + hypers[:1] + (["grad"] + hypers[1:] if op == "ApplyMomentum"
                                  else hypers[1:] + ["grad"])
    _node(graph_def, "update", op, inputs)
    inits = ["w/Assign"] + [f"slot{k}/Assign" for k in range(slots)]
    (new,), _ = _run_graph_def(graph_def, ["update:0"], inits)
    expected_w, _ = update(w.astype(np.float64), [s.astype(np.float64) for s in slot_values],
                           grad.astype(np.float64))
    np.testing.assert_allclose(new, expected_w, rtol=1e-5)


def _rms_prop(w, slots, g, lr, rho, momentum, eps):
    ms = slots[0] + (g * g - slots[0]) * (1 - rho)
    mom = slots[1] * momentum + lr * g / np.sqrt(ms + eps)
    return w - mom, [ms, mom]
