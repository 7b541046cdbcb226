"""graphgrad.explain: placeholders and paths, the ops that run, what a train op trains and why
the other variables are left alone; all read from the graph, nothing run."""
import io

import numpy as np

import graphgrad as tf

from .helpers import line_of

HERE = __file__


def _seed_program():
    """The seed's softmax regression, line for line (markers give the expected sites)."""
    x = tf.placeholder(tf.float32, [None, 784])  # seed-x
    W = tf.Variable(tf.zeros([784, 10]))  # seed-W
    b = tf.Variable(tf.zeros([10]))  # seed-b
    y = tf.nn.softmax(tf.matmul(x, W) + b)  # seed-y
    y_ = tf.placeholder(tf.float32, [None, 10])  # seed-y_
    cross_entropy = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1]))  # seed-ce
    train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)  # seed-train
    return x, y_, cross_entropy, train_step


def _at(marker):
    return f"{HERE}:{line_of(HERE, marker)}"


def test_explain_text_of_the_seed_softmax_train_step():
    x, y_, cross_entropy, train_step = _seed_program()
    out = io.StringIO()
    text = tf.explain(train_step, file=out)
    assert out.getvalue() == text
    X, W, B, Y, Y_, CE, TR = (_at(m) for m in ("# seed-x", "# seed-W", "# seed-b", "# seed-y",
                                                 "# seed-y_", "# seed-ce", "# seed-train"))
    assert text == f"""\
Fetch 'GradientDescent' (NoOp, created at {TR})
  needs 'Placeholder:0' (Placeholder, float32 [?,784], created at {X}): must be fed
    path: GradientDescent (minimizes) <- Mean <- Neg <- Sum <- mul <- Log <- Softmax <- add <- MatMul <- Placeholder
  needs 'Placeholder_1:0' (Placeholder, float32 [?,10], created at {Y_}): must be fed
    path: GradientDescent (minimizes) <- Mean <- Neg <- Sum <- mul <- Placeholder_1
Ops that run, in order (51):
      1. Placeholder (Placeholder) {X}
      2. Variable (VariableV2) {W}
      3. Variable/read (Identity) {W}
      4. Variable_1 (VariableV2) {B}
      5. Variable_1/read (Identity) {B}
      6. MatMul (MatMul) {Y}
      7. add (Add) {Y}
      8. Softmax (Softmax) {Y}
      9. Placeholder_1 (Placeholder) {Y_}
     10. Log (Log) {CE}
     11. mul (Mul) {CE}
     12. Sum (Sum) {CE}
     13. Neg (Neg) {CE}
     14. Mean (Mean) {CE}
  15-47. gradients/... (33 backward-pass ops from tf.gradients, created at {TR})
     48. GradientDescent/learning_rate (Const) {TR}
     49. GradientDescent/update_Variable/ApplyGradientDescent (ApplyGradientDescent) {TR}
     50. GradientDescent/update_Variable_1/ApplyGradientDescent (ApplyGradientDescent) {TR}
     51. GradientDescent (NoOp) {TR}
Train op 'GradientDescent' (NoOp, created at {TR}) minimizes 'Mean:0':
  updates 2 variable(s):
    Variable (float32 [784,10], created at {W})
      path from the loss: Mean <- Neg <- Sum <- mul <- Log <- Softmax <- add <- MatMul <- Variable/read <- Variable
    Variable_1 (float32 [10], created at {B})
      path from the loss: Mean <- Neg <- Sum <- mul <- Log <- Softmax <- add <- Variable_1/read <- Variable_1
"""  # noqa: E501


def test_explain_marks_fed_and_missing_placeholders_and_prunes_fed_subgraphs():
    x, y_, cross_entropy, _ = _seed_program()
    text = tf.debug.explain_text(cross_entropy, {x: np.zeros((1, 784))})
    assert "needs 'Placeholder:0' (Placeholder, float32 [?,784]" in text
    assert ": fed\n" in text
    assert f"created at {_at('# seed-y_')}): NOT FED: sess.run would fail\n" in text
    assert "path: Mean <- Neg <- Sum <- mul <- Placeholder_1\n" in text
    assert "Ops that run, in order (13):" in text
    assert ". Placeholder (Placeholder)" not in text


def _partly_trained():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    W = tf.Variable(tf.ones([3, 2]), name="W")
    frozen = tf.Variable(tf.ones([3, 2]), name="frozen", trainable=False)  # frozen-line
    other = tf.Variable(tf.ones([2]), name="other")  # other-line
    unused = tf.Variable(tf.ones([2]), name="unused")  # unused-line
    blocked = tf.Variable(tf.ones([2]), name="blocked")  # blocked-line
    counted = tf.Variable(tf.ones([3]), name="counted")  # counted-line
    h = tf.matmul(x, W + frozen) + tf.stop_gradient(blocked)  # stop-line
    h = h + tf.cast(tf.argmax(counted, 0), tf.float32)  # argmax-line
    loss = tf.reduce_sum(h * other)
    return loss, [W, unused, blocked, counted]


def test_explain_says_why_each_variable_is_not_trained():
    loss, var_list = _partly_trained()
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, var_list=var_list)
    text = tf.debug.explain_text(train)
    section = text[text.index("Train op"):]
    assert section.split("\n")[1:4] == [
        "  updates 1 variable(s):",
        f"    W (float32 [3,2], created at {_at('W = tf.Variable(tf.ones([3, 2]), name=')})",
        "      path from the loss: Sum <- mul <- add_2 <- add_1 <- MatMul <- add <- W/read <- W",
    ]
    assert section.split("\n")[4:10] == [
        "  does not train 5 variable(s):",
        f"    unused (float32 [2], created at {_at('# unused-line')}): not reachable from the "
        "loss (the loss does not read it)",
        f"    blocked (float32 [2], created at {_at('# blocked-line')}): gradient blocked by "
        f"stop_gradient at op 'StopGradient' (created at {_at('# stop-line')})",
        f"    counted (float32 [3], created at {_at('# counted-line')}): no gradient function "
        f"for op type ArgMax (op 'ArgMax', created at {_at('# argmax-line')})",
        f"    frozen (float32 [3,2], created at {_at('# frozen-line')}): not trainable "
        "(trainable=False)",
        f"    other (float32 [2], created at {_at('# other-line')}): not in var_list",
    ]


def test_explain_reports_an_integer_path_and_a_global_step():
    v = tf.Variable([1.5, 2.5], name="v")
    w = tf.Variable(2.0, name="w")
    step = tf.Variable(0, name="global_step", trainable=False)
    loss = w * tf.cast(tf.cast(v, tf.int32), tf.float32)[0]
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
    text = train.explain(file=io.StringIO())
    assert "Train op 'GradientDescent' (AssignAdd," in text
    assert ("v (float32 [2], created at " in text and
            "it reaches the loss only through int32 tensor 'Cast:0'" in text)
    assert "global_step (int32 [], created at" in text and "not trainable" in text


def test_explain_warns_when_update_ops_do_not_run_with_the_train_op():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    w = tf.Variable([[1.0], [2.0]], name="w")
    mean = tf.Variable([0.0, 0.0], name="moving_mean", trainable=False)
    update = tf.assign(mean, tf.reduce_mean(x, 0), name="update_mean")
    tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, update)
    loss = tf.reduce_sum(tf.matmul(x, w))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    text = tf.debug.explain_text(train)
    assert ("  WARNING: 1 op(s) in GraphKeys.UPDATE_OPS will not run with this train op: "
            "'update_mean'. Build it under `with tf.control_dependencies(tf.get_collection("
            "tf.GraphKeys.UPDATE_OPS)):` (batch-norm statistics, for one).") in text
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        fixed = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    assert "WARNING" not in tf.debug.explain_text(fixed)


def test_explain_runs_nothing(capsys):
    calls = []

    def record(a):
        calls.append(a)
        return a

    x = tf.placeholder(tf.float32, [2], name="x")
    y = tf.py_func(record, [tf.Print(x, [x], "ran")], tf.float32)
    text = y.explain()
    assert calls == [] and capsys.readouterr().err == ""
    assert "needs 'x:0' (Placeholder, float32 [2]" in text
    assert "path: PyFunc <- Print <- x" in text


def test_explain_accepts_nested_fetches_names_and_placeholder_defaults():
    keep = tf.placeholder_with_default(1.0, [], name="keep_prob")
    a = tf.multiply(keep, 2.0, name="a")
    tf.constant(3.0, name="c")  # c-line
    text = tf.debug.explain_text({"a": [a], "c": "c:0"})
    assert text.startswith("Fetch 'a:0' (Mul, float32 [], created at ")
    assert "needs 'keep_prob:0' (PlaceholderWithDefault, float32 [], created at " in text
    assert ": optional: has a default\n" in text
    assert f"Fetch 'c:0' (Const, float32 [], created at {_at('# c-line')})\n" \
           "  needs no placeholders\n" in text
    assert tf.explain is tf.debug.explain
