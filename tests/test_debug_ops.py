"""tf.Print, tf.print (PrintV2), check_numerics (CheckNumerics), add_check_numerics_ops, tf.Assert
(Assert) and the tf.assert_* / tf.debugging family."""
import sys

import numpy as np
import pytest

import graphgrad as tf

from .helpers import line_of

HERE = __file__
M = np.arange(6, dtype=np.float32).reshape(2, 3)


# --- tf.Print ---
def test_print_returns_its_input_and_prints_message_and_data_to_stderr(capsys):
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.Print(x * 2, [x, tf.reduce_sum(x)], "x is: ", summarize=4)
    with tf.Session() as sess:
        out = sess.run(y, {x: M})
    np.testing.assert_array_equal(out, M * 2)
    # TF's SummarizeValue: row-major entries up to `summarize`, nested brackets, '...' cut.
    assert capsys.readouterr().err == "x is: [[0 1 2][3...]...][15]\n"


def test_print_default_summarize_is_three_and_formats_like_tf(capsys):
    v = tf.constant([0.5, 1e-7, 3.0, 4.0], dtype=tf.float32)
    b = tf.constant([True, False])
    y = tf.Print(tf.constant(1), [v, b, tf.constant(2.5, tf.float64)])
    with tf.Session() as sess:
        sess.run(y)
    assert capsys.readouterr().err == "[0.5 1e-07 3...][1 0][2.5]\n"


def test_print_first_n_limits_the_printed_runs_per_session(capsys):
    x = tf.constant([1, 2])
    y = tf.Print(x, [x], "step ", first_n=2)
    with tf.Session() as sess:
        for _ in range(4):
            sess.run(y)
    assert capsys.readouterr().err == "step [1 2]\nstep [1 2]\n"
    with tf.Session() as sess:
        sess.run(y)
    assert capsys.readouterr().err == "step [1 2]\n"


def test_print_passes_the_gradient_to_its_input_only():
    x = tf.constant([1.0, 2.0])
    other = tf.constant([3.0])
    y = tf.Print(x, [other], first_n=0) * 3.0
    gx, gother = tf.gradients(tf.reduce_sum(y), [x, other])
    assert gother is None
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(gx), [3.0, 3.0])


# --- tf.print ---
def test_tf_print_is_an_op_writing_tensors_and_python_values(capsys):
    x = tf.placeholder(tf.int32, [None])
    op = tf.print("values:", x, {"k": 1}, tf.reduce_sum(x), output_stream=sys.stdout)
    assert isinstance(op, tf.Operation) and op.type == "PrintV2"
    with tf.Session() as sess:
        sess.run(op, {x: np.arange(10)})
    # tf.print summarizes the first and last `summarize` (3) entries of each dimension.
    assert capsys.readouterr().out == "values: [0 1 2 ... 7 8 9] {'k': 1} 45\n"


def test_tf_print_sep_end_summarize_and_matrix_layout(capsys):
    m = tf.constant(np.arange(12).reshape(3, 4))
    op = tf.print(m, "end", sep="|", end="!\n", summarize=1)
    with tf.Session() as sess:
        sess.run(op)
    assert capsys.readouterr().err == "[[0 ... 3]\n ...\n [8 ... 11]]|end!\n"


def test_tf_print_runs_under_a_control_dependency_and_to_a_file(tmp_path):
    path = tmp_path / "log.txt"
    x = tf.constant([1.5, 2.0])
    with tf.control_dependencies([tf.print("x =", x, output_stream=f"file://{path}")]):
        y = tf.identity(x)
    with tf.Session() as sess:
        sess.run(y)
        sess.run(y)
    assert path.read_text() == "x = [1.5 2]\nx = [1.5 2]\n"


def test_tf_print_rejects_unknown_keywords():
    with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
        tf.print("a", stream=sys.stdout)


# --- check_numerics ---
def test_check_numerics_passes_finite_values_through():
    x = tf.constant([1.0, -2.0])
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(tf.check_numerics(x, "ok")), [1.0, -2.0])


@pytest.mark.parametrize("value,found", [
    ([1.0, np.nan], "NaN"), ([np.inf, 1.0], "Inf"), ([np.nan, -np.inf], "Inf and NaN")])
def test_check_numerics_names_the_op_and_the_users_line(value, found):
    x = tf.placeholder(tf.float32, [2])
    checked = tf.check_numerics(x * 2.0, "doubled x")  # check-line
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError) as info:
        sess.run(checked, {x: value})
    assert str(info.value) == (
        f"doubled x : Tensor had {found} values\n  in op 'CheckNumerics' (CheckNumerics, "
        f"created at {HERE}:{line_of(HERE, '# check-line')})")
    assert info.value.op is checked.op


def test_check_numerics_gradient_is_checked_too():
    x = tf.placeholder(tf.float32, [2])
    y = tf.check_numerics(x, "x")
    g = tf.gradients(tf.reduce_sum(tf.sqrt(y)), x)[0]
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="detected in gradient. x : Tensor had Inf"):
        sess.run(g, {x: [0.0, 4.0]})


def test_check_numerics_rejects_integer_tensors():
    with pytest.raises(TypeError, match="int32 not in list of allowed values"):
        tf.check_numerics(tf.constant([1, 2]), "ints")


def test_add_check_numerics_ops_reports_the_first_bad_tensor_in_creation_order():
    x = tf.placeholder(tf.float32, [2], name="x")
    w = tf.Variable([1.0, 1.0], name="w")
    logged = tf.log(x, name="logged")
    loss = tf.reduce_sum(logged * w, name="loss")
    check = tf.add_check_numerics_ops()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run([loss, check], {x: [1.0, 2.0]})
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"^logged:0 : Tensor had NaN values"):
            sess.run([loss, check], {x: [-1.0, 2.0]})


# --- tf.Assert and the assert_* family ---
def test_assert_passes_and_fails_with_tfs_message():
    x = tf.placeholder(tf.float32, [None])
    a = tf.Assert(tf.reduce_all(x > 0), ["x must be positive", x], summarize=2)  # assert-line
    assert isinstance(a, tf.Operation) and a.type == "Assert" and a.name == "Assert/Assert"
    with tf.control_dependencies([a]):
        y = tf.identity(x)
    with tf.Session() as sess:
        sess.run(y, {x: [1.0, 2.0]})
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(y, {x: [1.0, -2.0, 3.0]})
    assert str(info.value) == (
        "assertion failed: [x must be positive] [1 -2...]\n  in op 'Assert/Assert' (Assert, "
        f"created at {HERE}:{line_of(HERE, '# assert-line')})")


def test_assert_needs_a_bool_condition():
    with pytest.raises(TypeError, match="condition must be bool"):
        tf.Assert(tf.constant(1), ["no"])


def test_assert_equal_fails_at_run_time_with_tfs_data():
    x = tf.placeholder(tf.int32, [3], name="x")
    check = tf.assert_equal(x, [1, 2, 3])
    assert check.name == "assert_equal/Assert/Assert"
    with tf.Session() as sess:
        sess.run(check, {x: [1, 2, 3]})
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(check, {x: [1, 5, 3]})
    assert str(info.value).split("\n")[0] == (
        "assertion failed: [] [Condition x == y did not hold element-wise:] [x (x:0) = ] "
        "[1 5 3] [y (assert_equal/y:0) = ] [1 2 3]")


def test_binary_asserts_on_constants_fail_while_building():
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        tf.assert_less(tf.constant([1, 5]), tf.constant([3, 3]), message="bad")
    assert str(info.value) == ("bad\nCondition x < y did not hold element-wise:\n"
                               "x (Const:0) = \n[1 5]\n"
                               "y (Const_1:0) = \n[3 3]")
    assert tf.assert_less(tf.constant([1, 2]), tf.constant([3, 3])).type == "Assert"


@pytest.mark.parametrize("fn,good,bad", [
    (tf.assert_equal, ([1, 2], [1, 2]), ([1, 2], [1, 3])),
    (tf.assert_none_equal, ([1, 2], [2, 1]), ([1, 2], [1, 3])),
    (tf.assert_less, ([1, 2], [2, 3]), ([1, 3], [2, 3])),
    (tf.assert_less_equal, ([1, 3], [2, 3]), ([4, 3], [2, 3])),
    (tf.assert_greater, ([2, 3], [1, 2]), ([2, 2], [1, 2])),
    (tf.assert_greater_equal, ([2, 2], [1, 2]), ([0, 2], [1, 2])),
])
def test_binary_asserts_check_element_wise_at_run_time(fn, good, bad):
    x = tf.placeholder(tf.int32, [2])
    y = tf.placeholder(tf.int32, [2])
    check = fn(x, y)
    with tf.Session() as sess:
        sess.run(check, {x: good[0], y: good[1]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="did not hold element-wise"):
            sess.run(check, {x: bad[0], y: bad[1]})


@pytest.mark.parametrize("fn,sym,good,bad", [
    (tf.assert_positive, ">", [1.0, 2.0], [1.0, 0.0]),
    (tf.assert_non_negative, ">=", [0.0, 2.0], [-1.0, 0.0]),
    (tf.assert_negative, "<", [-1.0, -2.0], [-1.0, 0.0]),
    (tf.assert_non_positive, "<=", [0.0, -2.0], [1.0, 0.0]),
])
def test_sign_asserts_name_their_condition(fn, sym, good, bad):
    x = tf.placeholder(tf.float32, [2], name="v")
    check = fn(x)
    with tf.Session() as sess:
        sess.run(check, {x: good})
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(check, {x: bad})
    assert f"[Condition x {sym} 0 did not hold element-wise:] [x (v:0) = ]" in str(info.value)


def test_assert_rank_is_static_when_the_rank_is_known():
    x = tf.zeros([2, 3], name="m")
    assert tf.assert_rank(x, 2).type == "NoOp"
    with pytest.raises(ValueError) as info:
        tf.assert_rank(x, 1, message="need a vector")
    assert str(info.value) == ("need a vector.  Tensor m:0 must have rank 1.  Received rank 2, "
                               "shape (2, 3)")
    with pytest.raises(ValueError, match="must have rank at least 3"):
        tf.assert_rank_at_least(x, 3)


def test_assert_rank_checks_at_run_time_when_the_rank_is_unknown():
    x = tf.placeholder(tf.float32, name="any")
    check = tf.assert_rank(x, 2)
    with tf.Session() as sess:
        sess.run(check, {x: np.zeros((1, 2))})
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"\[Tensor any:0 must have rank\] \[2\] \[Received shape: \] "
                                 r"\[4\]"):
            sess.run(check, {x: np.zeros(4)})


def test_assert_type_scalar_integer_and_shapes_are_build_time_checks():
    x = tf.constant([1.0, 2.0], name="f")
    assert tf.assert_type(x, tf.float32).type == "NoOp"
    with pytest.raises(TypeError, match="f:0 must be of type tf.int32"):
        tf.assert_type(x, tf.int32)
    with pytest.raises(TypeError, match="to be integer type"):
        tf.assert_integer(x)
    assert tf.assert_scalar(tf.constant(1.0)).shape.ndims == 0
    with pytest.raises(ValueError, match="Expected scalar shape"):
        tf.assert_scalar(x)
    a = tf.zeros([4, 3], name="a")
    b = tf.zeros([4], name="b")
    assert tf.debugging.assert_shapes([(a, ("N", 3)), (b, ("N",))]).type == "NoOp"
    with pytest.raises(ValueError, match="dimension 0 must have size 4. Received size 5"):
        tf.debugging.assert_shapes([(a, ("N", 3)), (tf.zeros([5]), ("N",))])
    with pytest.raises(ValueError, match="must have rank 1"):
        tf.debugging.assert_shapes({a: ("N",)})


def test_debugging_namespace_exports_the_checks():
    for name in ("assert_equal", "assert_less", "assert_rank", "assert_type", "Assert",
                 "check_numerics", "is_nan", "is_finite", "assert_shapes"):
        assert callable(getattr(tf.debugging, name))
    assert tf.debugging.assert_equal is tf.assert_equal
