"""graphgrad.distributed over MPI: the MPIAllreduce and MPIBroadcast ops, DistributedOptimizer,
sharding, and what happens when a rank dies. Multi-rank cases run `mpiexec -n 2` (the mpich
wheel's, from `pip install graphgrad[mpi]`) as a subprocess, with timeouts."""
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import time

import numpy as np
import pytest

import graphgrad as tf
import graphgrad.distributed as hvd

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "examples", "mpi_train.py")


def _launcher(name):
    path = os.path.join(sysconfig.get_path("scripts"), name)
    path = path if os.path.exists(path) else shutil.which(name)
    assert path, f"{name} not found: pip install 'graphgrad[mpi]' (mpi4py and mpich)"
    return path


def _env(**extra):
    # UCX_TLS keeps MPI on shared memory; gforker opens no TCP listener at all.
    return dict(os.environ, PYTHONPATH=ROOT, UCX_TLS="self,sm", OPENBLAS_NUM_THREADS="1",
                **extra)


def _mpirun(args, launcher="mpiexec.gforker", n=2, timeout=60, flags=(), **env):
    cmd = [_launcher(launcher), *flags, "-n", str(n), sys.executable, *args]
    start = time.monotonic()
    out = subprocess.run(cmd, cwd=ROOT, env=_env(**env), capture_output=True, text=True,
                         timeout=timeout)
    return out, time.monotonic() - start


def _python(args, timeout=60):
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=_env(), capture_output=True,
                          text=True, timeout=timeout)


# --- (a) 2 ranks x batch 50 train exactly like 1 process x batch 100 ---

def _train_here(tmp_path, batch_size, steps):
    """Runs examples/mpi_train.py in this process (one rank, no mpiexec); its final weights."""
    spec = importlib.util.spec_from_file_location("mpi_train", EXAMPLE)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    path = tmp_path / f"here{batch_size}.npz"
    tf.reset_default_graph()
    assert example.main(["--steps", str(steps), "--batch-size", str(batch_size),
                         "--save", str(path)]) == 0
    return np.load(path)


def test_two_ranks_with_batch_50_train_like_one_process_with_batch_100(tmp_path):
    two, _ = _mpirun([EXAMPLE, "--steps", "120", "--batch-size", "50",
                      "--save", str(tmp_path / "2.npz")])
    assert two.returncode == 0, two.stderr
    assert "ranks 2, batch 50 each" in two.stdout
    w2 = np.load(tmp_path / "2.npz")
    w1 = _train_here(tmp_path, 100, 120)
    small = _train_here(tmp_path, 50, 120)
    for k in ("W", "b"):
        np.testing.assert_allclose(w2[k], w1[k], rtol=1e-5, atol=1e-6)
        # Not trivially equal: one process with batch 50 ends far from both.
        assert np.abs(small[k] - w1[k]).max() > 1e-3


# --- collectives on 2 ranks: one launch, several checks ---

COLLECTIVES = textwrap.dedent("""
    import json, sys
    import numpy as np
    import graphgrad as tf
    import graphgrad.distributed as hvd

    hvd.init()
    r = hvd.rank()
    f32 = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3) * (r + 1))
    f64 = tf.constant([0.5 * (r + 1)], dtype=tf.float64)
    i32 = tf.constant([r + 1, 10 * (r + 1)])
    fused = hvd.grouped_allreduce([f32, f64], average=True)
    total = hvd.allreduce(i32, average=False)
    x = tf.constant([1.0, 2.0]) * (r + 1)
    grad = tf.gradients(tf.reduce_sum(hvd.allreduce(x) * x), x)[0]
    v = tf.Variable(np.full([3], float(r)), dtype=tf.float64)
    w = tf.Variable(np.float32(r) + np.zeros([2, 2], np.float32))
    step = tf.Variable(7 * r, name="step")
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    before = sess.run(v).tolist()
    sess.run(hvd.broadcast_global_variables(1))
    out = sess.run([fused, total, grad, v, w, step])
    json.dump(dict(rank=r, size=hvd.size(), local_rank=hvd.local_rank(),
                   local_size=hvd.local_size(), before=before,
                   fused=[a.tolist() for a in out[0]], total=out[1].tolist(),
                   grad=out[2].tolist(), v=out[3].tolist(), w=out[4].tolist(),
                   step=int(out[5]),
                   op_types=sorted({op.type for op in tf.get_default_graph().get_operations()})),
              open(sys.argv[1] + str(r), "w"))
""")


@pytest.fixture(scope="module")
def two_ranks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("collectives")
    script = folder / "worker.py"
    script.write_text(COLLECTIVES)
    out, _ = _mpirun([str(script), str(folder / "rank")])
    assert out.returncode == 0, out.stderr
    return [json.load(open(folder / f"rank{r}")) for r in range(2)]


def test_ranks_sizes_and_local_ranks(two_ranks):
    assert [(d["rank"], d["size"]) for d in two_ranks] == [(0, 2), (1, 2)]
    assert sorted(d["local_rank"] for d in two_ranks) == [0, 1]
    assert all(d["local_size"] == 2 for d in two_ranks)


def test_fused_mpiallreduce_averages_each_dtype_and_sums_integers(two_ranks):
    for d in two_ranks:
        f32, f64 = d["fused"]
        np.testing.assert_allclose(f32, np.arange(6).reshape(2, 3) * 1.5)
        assert f64 == [0.75]
        assert d["total"] == [3, 30]


def test_gradient_of_allreduce_is_the_allreduce_of_the_gradients(two_ranks):
    # x_r = (r+1)*[1,2], m = mean_s(x_s) = [1.5, 3], loss_r = sum(m * x_r). The derivative of
    # the total sum_s loss_s by x_r is m + sum_s(x_s)/2 = 2m; a local gradient would give 1.5m.
    for d in two_ranks:
        np.testing.assert_allclose(d["grad"], [3.0, 6.0])


def test_broadcast_global_variables_makes_differently_initialized_ranks_equal(two_ranks):
    assert two_ranks[0]["before"] != two_ranks[1]["before"]
    for d in two_ranks:
        assert d["v"] == [1.0, 1.0, 1.0]
        assert d["w"] == [[1.0, 1.0], [1.0, 1.0]]
        assert d["step"] == 7
        assert {"MPIAllreduce", "MPIBroadcast"} <= set(d["op_types"])


# --- (c) a rank that dies or hangs ends the job with a clear error, never a hang ---

TRAIN_THEN_FAIL = textwrap.dedent("""
    import os, sys, time
    import numpy as np
    import graphgrad as tf
    import graphgrad.distributed as hvd

    hvd.init()
    x = tf.placeholder(tf.float32, [None, 4])
    w = tf.Variable(tf.ones([4, 1]))
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 1.0))
    train = hvd.DistributedOptimizer(tf.train.GradientDescentOptimizer(0.1)).minimize(loss)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    for step in range(200):
        if hvd.rank() == 1 and step == 5:
            how = sys.argv[1]
            if how == "exit":
                os._exit(0)
            if how == "hang":
                time.sleep(60)
            if how == "raise":
                raise RuntimeError("rank 1 failed on purpose")
        sess.run(train, {x: np.ones([3, 4], np.float32)})
    print("rank", hvd.rank(), "finished")
""")


def _fail(tmp_path, how, **kwargs):
    script = tmp_path / "fail.py"
    script.write_text(TRAIN_THEN_FAIL)
    out, seconds = _mpirun([str(script), how], timeout=30, **kwargs)
    print(f"{how}: {seconds:.1f} s\n{out.stderr}")
    assert out.returncode != 0
    assert "finished" not in out.stdout
    assert seconds < 20
    return out.stderr


def test_a_rank_that_exits_mid_training_aborts_the_others_with_a_clear_error(tmp_path):
    err = _fail(tmp_path, "exit")
    assert ("rank 0 of 2: 'DistributedGradientDescentOptimizer_Allreduce' (MPIAllreduce, "
            "created at") in err
    assert "interrupted while waiting for the other ranks" in err
    assert "Aborting all ranks" in err


def test_a_rank_that_stops_answering_trips_the_allreduce_timeout(tmp_path):
    err = _fail(tmp_path, "hang", GRAPHGRAD_MPI_TIMEOUT="2")
    assert "no answer from the other ranks for 2." in err
    assert "GRAPHGRAD_MPI_TIMEOUT" in err


def test_an_exception_on_one_rank_aborts_all_ranks(tmp_path):
    err = _fail(tmp_path, "raise")
    assert "RuntimeError: rank 1 failed on purpose" in err
    assert "rank 1 of 2 raised RuntimeError; aborting all ranks" in err


def test_hydra_told_not_to_clean_up_gets_a_clear_error_from_the_survivor(tmp_path):
    # -disable-auto-cleanup: mpiexec (hydra) keeps the survivors and sends them SIGUSR1.
    err = _fail(tmp_path, "exit", launcher="mpiexec", flags=["-disable-auto-cleanup"])
    assert "the MPI launcher reports that a rank has died" in err


# --- (d) one process, no mpiexec ---

def test_size_one_without_mpiexec_adds_no_collective_and_trains_as_the_plain_optimizer():
    hvd.init()
    assert (hvd.rank(), hvd.size(), hvd.local_rank(), hvd.local_size()) == (0, 1, 0, 1)
    w = tf.Variable([1.0, -2.0])
    loss = tf.reduce_sum(w * w)
    train = hvd.DistributedOptimizer(tf.train.GradientDescentOptimizer(0.25)).minimize(loss)
    assert "MPIAllreduce" not in {op.type for op in tf.get_default_graph().get_operations()}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(hvd.broadcast_global_variables(0))
        sess.run(train)
        np.testing.assert_allclose(sess.run(w), [0.5, -1.0])


def test_size_one_collective_ops_pass_values_through_and_keep_dtypes():
    hvd.init()
    a = tf.constant(np.arange(6, dtype=np.float16).reshape(3, 2))
    b = tf.constant([True, False])
    c = tf.constant(np.ones([0, 3]))
    summed = hvd.grouped_allreduce([a, c], average=True)
    sent = hvd.grouped_broadcast([a, b, c], root_rank=0)
    with tf.Session() as sess:
        out = sess.run(summed + sent)
    for got, want in zip(out, [a, c, a, b, c]):
        assert got.dtype == want.dtype.as_numpy_dtype and got.shape == tuple(want.shape.as_list())
    np.testing.assert_array_equal(out[0], np.arange(6).reshape(3, 2))
    assert out[3].tolist() == [True, False]


def test_allreduce_rejects_averaging_integers():
    with pytest.raises(TypeError, match="average=False"):
        hvd.allreduce(tf.constant([1, 2]))


def test_ops_built_before_init_say_to_call_init(monkeypatch):
    from graphgrad.distributed import comm
    monkeypatch.setattr(comm, "_state", {})
    y = hvd.allreduce(tf.constant([1.0]))
    with pytest.raises(ValueError, match=r"call graphgrad.distributed.init\(\) first"):
        tf.Session().run(y)


def test_init_without_mpi4py_says_what_to_install():
    code = ("import sys\nsys.modules['mpi4py'] = None\nimport graphgrad.distributed as hvd\n"
            "try:\n    hvd.init()\nexcept ImportError as e:\n    print(e)\n")
    out = _python(["-c", code])
    assert "pip install 'graphgrad[mpi]'" in out.stdout, out.stderr


def test_shard_gives_every_rank_the_same_count_interleaved():
    data = np.arange(11) * 10
    parts = [hvd.shard(data, rank=r, size=3) for r in range(3)]
    assert [p.tolist() for p in parts] == [[0, 30, 60], [10, 40, 70], [20, 50, 80]]
    x, y = hvd.shard((np.arange(8), np.arange(8) * 2), rank=1, size=2, shuffle_seed=3)
    assert (y == 2 * x).all() and len(x) == 4
    other = hvd.shard_indices(8, rank=0, size=2, shuffle_seed=3)
    assert sorted(np.concatenate([x, other]).tolist()) == list(range(8))
    with pytest.raises(ValueError, match="same number of rows"):
        hvd.shard((np.arange(3), np.arange(4)), rank=0, size=2)
