"""Device placement on the fake GPU (graphgrad/runtime/fake_device.py): models train on
'/gpu:0' with the CPU's numbers, copies happen only at feeds, fetches and boundaries, variables
stay on the device, missing GPUs fall back to the CPU with one warning."""
import warnings

import numpy as np
import pytest

import graphgrad as tf
from graphgrad.runtime import backend
from graphgrad.runtime.fake_device import FakeArray
from graphgrad.runtime.placement import DevicePlacementWarning, parse

GPU0 = "/job:localhost/replica:0/task:0/device:GPU:0"
CPU0 = "/job:localhost/replica:0/task:0/device:CPU:0"


@pytest.fixture
def gpu():
    with backend.use_fake_gpu() as fake:
        yield fake


def _seed_model(dev):
    """Softmax regression, the seed program's model."""
    tf.set_random_seed(1)
    with tf.device(dev):
        x = tf.placeholder(tf.float32, [None, 12])
        y = tf.placeholder(tf.float32, [None, 4])
        w = tf.Variable(tf.zeros([12, 4]))
        b = tf.Variable(tf.zeros([4]))
        logits = tf.matmul(x, w) + b
        loss = tf.reduce_mean(-tf.reduce_sum(y * tf.log(tf.nn.softmax(logits)), 1))
        train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    return x, y, None, loss, train, logits


def _mlp(dev):
    tf.set_random_seed(2)
    with tf.device(dev):
        x = tf.placeholder(tf.float32, [None, 12])
        y = tf.placeholder(tf.float32, [None, 4])
        keep = tf.placeholder_with_default(1.0, [])
        h = tf.layers.dense(x, 16, activation=tf.nn.relu)
        logits = tf.layers.dense(tf.nn.dropout(h, keep), 4)
        loss = tf.losses.softmax_cross_entropy(y, logits)
        train = tf.train.AdamOptimizer(0.01).minimize(loss)
    return x, y, keep, loss, train, logits


def _cnn(dev):
    tf.set_random_seed(3)
    with tf.device(dev):
        x = tf.placeholder(tf.float32, [None, 12])
        y = tf.placeholder(tf.float32, [None, 4])
        keep = tf.placeholder_with_default(1.0, [])
        image = tf.reshape(x, [-1, 3, 4, 1])
        w = tf.Variable(tf.truncated_normal([3, 3, 1, 5], stddev=0.2))
        b = tf.Variable(tf.constant(0.1, shape=[5]))
        h = tf.nn.relu(tf.nn.conv2d(image, w, [1, 1, 1, 1], "SAME") + b)
        pool = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
        flat = tf.nn.dropout(tf.reshape(pool, [-1, 2 * 2 * 5]), keep)
        logits = tf.layers.dense(flat, 4)
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
        train = tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
    return x, y, keep, loss, train, logits


def _data(n=30):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(n, 12)).astype(np.float32)
    labels = (x[:, :4].argmax(1) + (x[:, 4] > 1)) % 4
    return x, np.eye(4, dtype=np.float32)[labels]


def _train(build, dev, steps=15):
    tf.reset_default_graph()
    x, y, keep, loss, train, logits = build(dev)
    data, labels = _data()
    feed = {x: data, y: labels}
    if keep is not None:
        feed[keep] = 0.75
    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            losses.append(sess.run([loss, train], feed)[0])
        predictions = sess.run(logits, {x: data, y: labels})
    return np.array(losses), predictions


@pytest.mark.parametrize("build", [_seed_model, _mlp, _cnn], ids=["seed", "mlp", "cnn"])
def test_model_trains_on_gpu_with_the_numbers_of_the_cpu(gpu, build):
    cpu_losses, cpu_out = _train(build, "/cpu:0")
    copies_before = dict(gpu.copies)
    gpu_losses, gpu_out = _train(build, "/gpu:0")
    assert gpu.copies["h2d"] > copies_before["h2d"]  # it really ran on the (fake) device
    assert type(gpu_losses[0]) is np.float32 and type(gpu_out) is np.ndarray
    assert gpu_losses[-1] < gpu_losses[0]
    np.testing.assert_allclose(gpu_losses, cpu_losses, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gpu_out, cpu_out, rtol=1e-4, atol=1e-5)


def _transfer_steps(sess):
    plan = list(sess._plans.values())[-1]
    return [st for st in plan.steps if "transfer" in st.tags]


def test_copies_per_step_are_feeds_fetches_and_boundaries_only(gpu):
    x, y, _, loss, train, _ = _seed_model("/gpu:0")
    data, labels = _data()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run([loss, train], {x: data, y: labels})
        per_step = []
        for _ in range(3):
            before = dict(gpu.copies)
            sess.run([loss, train], {x: data, y: labels})
            per_step.append({k: gpu.copies[k] - before[k] for k in before})
        transfers = _transfer_steps(sess)
        weights = sess._state.variables
        assert all(type(weights[v.op.name]) is FakeArray for v in tf.global_variables())
    # Every step copies the same: the two feeds (and shape-derived scalars) in, the loss out;
    # the weights never cross.
    assert per_step[0] == per_step[1] == per_step[2]
    to_device = [st for st in transfers if st.device.is_gpu]
    assert per_step[0] == {"h2d": len(to_device), "d2h": len(transfers) - len(to_device)}
    assert per_step[0]["d2h"] == 1
    assert 2 <= per_step[0]["h2d"] <= 3


def test_log_device_placement_prints_one_line_per_op_once_per_plan(gpu, capsys):
    with tf.device("/gpu:0"):
        a = tf.constant([1.0, 2.0], name="a")
        b = tf.square(a, name="b")
    with tf.device("/cpu:0"):
        c = tf.negative(b, name="c")
    with tf.Session(config=tf.ConfigProto(log_device_placement=True)) as sess:
        np.testing.assert_array_equal(sess.run(c), [-1.0, -4.0])
        sess.run(c)
    lines = capsys.readouterr().err.splitlines()
    assert lines == [f"a: (Const): {GPU0}", f"b: (Square): {GPU0}", f"c: (Neg): {CPU0}"]


def test_missing_gpu_runs_on_cpu_with_one_warning_naming_device_and_ops():
    with tf.device("/device:GPU:1"):
        a = tf.constant(3.0, name="a")
        b = tf.multiply(a, 2.0, name="double")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with tf.Session() as sess:
            assert sess.run(b) == 6.0
            assert sess.run(tf.add(b, 1.0)) == 7.0
    placement = [w for w in caught if w.category is DevicePlacementWarning]
    assert len(placement) == 1
    text = str(placement[0].message)
    assert "'/device:GPU:1'" in text and "'double' (Mul)" in text
    assert "allow_soft_placement is False" in text


def test_gpu_index_out_of_range_falls_back_and_soft_placement_config_is_quiet_about_tf(gpu):
    with tf.device("/gpu:3"):
        b = tf.multiply(tf.constant(3.0), 2.0, name="double")
    config = tf.ConfigProto(allow_soft_placement=True)
    with pytest.warns(DevicePlacementWarning, match="this machine has 1 GPU") as caught:
        with tf.Session(config=config) as sess:
            assert sess.run(b) == 6.0
    assert "allow_soft_placement is False" not in str(caught[0].message)


def test_unplaced_ops_go_to_gpu0_when_one_exists_unless_device_count_hides_it(gpu, capsys):
    b = tf.square(tf.constant([3.0]), name="sq")
    with tf.Session(config=tf.ConfigProto(log_device_placement=True)) as sess:
        sess.run(b)
    with tf.Session(config=tf.ConfigProto(log_device_placement=True,
                                          device_count={"GPU": 0})) as sess:
        sess.run(b)
    sq = [line for line in capsys.readouterr().err.splitlines() if line.startswith("sq:")]
    assert sq == [f"sq: (Square): {GPU0}", f"sq: (Square): {CPU0}"]


def test_py_func_in_gpu_scope_runs_on_cpu_through_boundaries(gpu, capsys):
    seen = []

    def host_fn(v):
        seen.append(type(v))
        return v * 10

    with tf.device("/gpu:0"):
        x = tf.placeholder(tf.float32, [3])
        pre = tf.square(x, name="pre")
        mid = tf.py_func(host_fn, [pre], tf.float32, name="host")
        out = tf.add(mid, 1.0, name="post")
    with tf.Session(config=tf.ConfigProto(log_device_placement=True)) as sess:
        np.testing.assert_allclose(sess.run(out, {x: [1.0, 2.0, 3.0]}), [11.0, 41.0, 91.0])
    assert seen == [np.ndarray]
    log = capsys.readouterr().err
    assert f"pre: (Square): {GPU0}" in log
    assert f"host: (PyFunc): {CPU0}" in log
    assert f"post: (Add): {GPU0}" in log


def test_variables_stay_on_device_and_save_restore_eval_load_see_host_values(gpu, tmp_path):
    with tf.device("/gpu:0"):
        v = tf.Variable([1.0, 2.0], name="v")
        bump = v.assign_add([1.0, 1.0])
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(v.initializer)
        sess.run(bump)
        assert type(sess._state.variables["v"]) is FakeArray
        value = v.eval(session=sess)
        assert type(value) is np.ndarray
        np.testing.assert_array_equal(value, [2.0, 3.0])
        path = saver.save(sess, str(tmp_path / "model"))
        v.load([7.0, 8.0], sess)
        assert type(sess._state.variables["v"]) is FakeArray
        np.testing.assert_array_equal(sess.run(v), [7.0, 8.0])
        saver.restore(sess, path)
        assert type(sess._state.variables["v"]) is FakeArray
        np.testing.assert_array_equal(sess.run(bump), [3.0, 4.0])


def test_fake_device_refuses_host_arrays_and_implicit_conversion(gpu):
    dev = gpu.asarray(np.arange(3.0))
    with pytest.raises(TypeError, match="host numpy.ndarray"):
        _ = dev + np.ones(3)
    with pytest.raises(TypeError, match="Implicit conversion"):
        np.asarray(dev)
    with pytest.raises(TypeError, match="numpy.sum"):
        np.sum(dev)
    np.testing.assert_array_equal(gpu.asnumpy(dev * 2), [0.0, 2.0, 4.0])


@pytest.mark.parametrize("spec, expected", [
    ("/gpu:1", ("GPU", 1)), ("/device:GPU:0", ("GPU", 0)), ("/cpu:0", ("CPU", 0)),
    ("/job:localhost/replica:0/task:0/device:CPU:0", ("CPU", 0)), ("", (None, 0)),
    ("/job:ps/task:2", (None, 0)), ("/GPU:2", ("GPU", 2))])
def test_device_strings_parse_as_tf_spells_them(spec, expected):
    assert parse(spec) == expected


def test_device_function_decides_placement(gpu, capsys):
    def by_type(op):
        return "/cpu:0" if op.type == "Neg" else "/gpu:0"

    with tf.device(by_type):
        b = tf.negative(tf.square(tf.constant([2.0]), name="sq"), name="neg")
    with tf.Session(config=tf.ConfigProto(log_device_placement=True)) as sess:
        np.testing.assert_array_equal(sess.run(b), [-4.0])
    err = capsys.readouterr().err
    assert f"sq: (Square): {GPU0}" in err and f"neg: (Neg): {CPU0}" in err


def test_cpu_only_session_plans_have_no_transfer_steps():
    with tf.device("/cpu:0"):
        x = tf.placeholder(tf.float32, [2])
        y = tf.square(x)
    with tf.Session() as sess:
        sess.run(y, {x: [1.0, 2.0]})
        assert _transfer_steps(sess) == []
        assert list(sess._plans.values())[-1]._placed is None


def test_debugger_on_gpu_plan_sees_host_arrays_and_finds_the_nan_op(gpu):
    with tf.device("/gpu:0"):
        x = tf.placeholder(tf.float32, [None, 3])
        w = tf.Variable(np.full((3, 2), 0.5, np.float32))
        loss = tf.reduce_mean(tf.log(tf.matmul(x, w)))
        train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    feed = {x: np.random.RandomState(0).rand(5, 3).astype(np.float32) + 0.1}
    seen = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        dbg = tf.debug.DebugWrapperSession(sess)
        dbg.add_tensor_filter("types", lambda t, v: seen.append(type(v)) or False)
        with pytest.raises(tf.debug.NonFiniteError) as info:
            for _ in range(10):
                dbg.run([loss, train], feed)
        assert type(sess._state.variables[w.op.name]) is FakeArray
    assert info.value.report.op.type == "Log"
    assert seen and all(t in (np.ndarray, np.float32) or issubclass(t, np.generic) for t in seen)


def test_full_trace_of_gpu_plan_reports_every_op(gpu):
    with tf.device("/gpu:0"):
        a = tf.placeholder(tf.float32, [2, 3])
        b = tf.reduce_sum(tf.square(a, name="sq"), name="total")
    meta = tf.RunMetadata()
    with tf.Session() as sess:
        out = sess.run(b, {a: np.ones((2, 3), np.float32)},
                       options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                       run_metadata=meta)
    assert out == 6.0
    names = [n.node_name for d in meta.step_stats.dev_stats for n in d.node_stats]
    assert "sq" in names and "total" in names


def test_second_gpu_gets_its_own_arrays_and_log_line(capsys):
    with backend.use_fake_gpu(count=2):
        with tf.device("/gpu:0"):
            a = tf.square(tf.constant([1.0, 2.0]), name="on0")
        with tf.device("/gpu:1"):
            v = tf.Variable([10.0, 20.0], name="v1")
            b = tf.add(a, v, name="on1")
        with tf.Session(config=tf.ConfigProto(log_device_placement=True)) as sess:
            sess.run(v.initializer)
            np.testing.assert_array_equal(sess.run(b), [11.0, 24.0])
            assert sess._state.variables["v1"].device.id == 1
    err = capsys.readouterr().err
    assert f"on0: (Square): {GPU0}" in err
    assert "on1: (Add): /job:localhost/replica:0/task:0/device:GPU:1" in err


def test_env_var_gives_scripts_a_fake_gpu_and_gpu_check_runs_on_it():
    from .helpers import run_python
    out = run_python(
        "import os, sys\n"
        "os.environ['GRAPHGRAD_FAKE_GPU'] = '1'\n"
        "sys.path.insert(0, 'tools')\n"
        "import gpu_check\n"
        "sys.exit(gpu_check.main(['--steps', '14', '--models', 'seed']))\n")
    lines = out.splitlines()
    assert lines[0].startswith("GPUs seen by graphgrad: 1 (fake)")
    gpu_row = next(line for line in lines if "graphgrad GPU" in line).split()
    cpu_row = next(line for line in lines if "graphgrad CPU" in line).split()
    assert gpu_row[-1] == "yes" and gpu_row[-2] == cpu_row[-1]  # same test accuracy
