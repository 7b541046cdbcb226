"""Queue-based input (TF 1.0-1.3): FIFOQueue and RandomShuffleQueue ops (QueueEnqueueV2,
QueueEnqueueManyV2, QueueDequeueV2, QueueDequeueManyV2, QueueDequeueUpToV2, QueueCloseV2,
QueueSizeV2), LimitEpochs, input producers, train.batch/shuffle_batch, QueueRunner and
Coordinator, on real threads."""
import threading
import time

import numpy as np
import pytest

import graphgrad as tf


def _in_thread(fn):
    out = {}

    def run():
        try:
            out["value"] = fn()
        except Exception as e:  # noqa: BLE001 - handed back to the test
            out["error"] = e
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, out


def test_fifo_queue_keeps_order_and_ends_with_out_of_range_after_close():
    q = tf.FIFOQueue(10, [tf.float32, tf.int32], shapes=[[2], []])
    enq = q.enqueue_many(([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [7, 8, 9]))
    one = q.dequeue()
    many = q.dequeue_many(2)
    assert one[0].op.type == "QueueDequeueV2" and one[0].shape.as_list() == [2]
    assert many[0].shape.as_list() == [2, 2] and many[1].dtype == tf.int32
    with tf.Session() as sess:
        sess.run(enq)
        assert sess.run(q.size()) == 3
        first = sess.run(one)
        assert first[0].tolist() == [1.0, 2.0] and int(first[1]) == 7
        assert sess.run(many)[1].tolist() == [8, 9]
        sess.run(q.enqueue(([0.5, 0.5], 1)))
        sess.run(q.close())
        with pytest.raises(tf.errors.CancelledError, match="closed"):
            sess.run(q.enqueue(([0.0, 0.0], 0)))
        assert sess.run(q.dequeue_up_to(5))[1].tolist() == [1]
        with pytest.raises(tf.errors.OutOfRangeError, match="closed and has insufficient"):
            sess.run(one)


def test_dequeue_blocks_until_another_thread_enqueues():
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    deq = q.dequeue()
    enq = q.enqueue(5)
    with tf.Session() as sess:
        t, out = _in_thread(lambda: sess.run(deq))
        time.sleep(0.2)
        assert t.is_alive()
        sess.run(enq)
        t.join(5)
        assert out == {"value": 5}


def test_enqueue_blocks_on_a_full_queue_until_a_dequeue():
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    enq = q.enqueue_many([[1, 2, 3]])
    with tf.Session() as sess:
        t, out = _in_thread(lambda: sess.run(enq))
        time.sleep(0.2)
        assert t.is_alive() and sess.run(q.size()) == 2
        assert sess.run(q.dequeue()) == 1
        t.join(5)
        assert "error" not in out and sess.run(q.dequeue_many(2)).tolist() == [2, 3]


def test_close_with_cancel_pending_enqueues_unblocks_a_full_enqueue():
    q = tf.FIFOQueue(1, tf.int32, shapes=[[]])
    enq = q.enqueue_many([[1, 2]])
    with tf.Session() as sess:
        t, out = _in_thread(lambda: sess.run(enq))
        time.sleep(0.1)
        sess.run(q.close(cancel_pending_enqueues=True))
        t.join(5)
        assert isinstance(out.get("error"), tf.errors.CancelledError)


def test_each_session_has_its_own_queue_contents():
    q = tf.FIFOQueue(5, tf.float32, shapes=[[]])
    enq = q.enqueue(1.5)
    s1, s2 = tf.Session(), tf.Session()
    s1.run(enq)
    assert s1.run(q.size()) == 1 and s2.run(q.size()) == 0


def _shuffle_order(seed):
    with tf.Graph().as_default():
        q = tf.RandomShuffleQueue(20, 5, tf.int32, shapes=[[]], seed=seed)
        enq = q.enqueue_many([list(range(12))])
        with tf.Session() as sess:
            sess.run(enq)
            sess.run(q.close())
            return sess.run(q.dequeue_many(12)).tolist()


def test_random_shuffle_queue_permutes_with_a_seeded_stable_order():
    order = _shuffle_order(4)
    assert sorted(order) == list(range(12)) and order != list(range(12))
    assert order == _shuffle_order(4)


def test_random_shuffle_queue_keeps_min_after_dequeue_until_closed():
    q = tf.RandomShuffleQueue(10, 3, tf.int32, shapes=[[]], seed=1)
    deq = q.dequeue()
    with tf.Session() as sess:
        sess.run(q.enqueue_many([[1, 2, 3, 4]]))
        sess.run(deq)  # 4 > 3 left: one may go
        t, out = _in_thread(lambda: sess.run(deq))
        time.sleep(0.2)
        assert t.is_alive()
        sess.run(q.close())
        t.join(5)
        assert "value" in out and sess.run(q.size()) == 2


def test_limit_epochs_raises_after_num_epochs():
    x = tf.train.limit_epochs(tf.constant([1, 2]), num_epochs=2)
    assert x.op.type == "LimitEpochs"
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        assert sess.run(x).tolist() == [1, 2] and sess.run(x).tolist() == [1, 2]
        with pytest.raises(tf.errors.OutOfRangeError, match="Reached limit of 2"):
            sess.run(x)


def test_slice_input_producer_and_batch_give_each_row_once_per_epoch():
    x = np.arange(20, dtype=np.float32).reshape(10, 2)
    y = np.arange(10)
    xi, yi = tf.train.slice_input_producer([x, y], num_epochs=3, shuffle=True, seed=3)
    assert xi.shape.as_list() == [2] and yi.shape.as_list() == []
    xb, yb = tf.train.batch([xi, yi], batch_size=4, allow_smaller_final_batch=True)
    labels, steps = [], 0
    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess=sess, coord=coord)
        assert threads and all(t.daemon for t in threads)
        try:
            while not coord.should_stop():
                xs, ys = sess.run([xb, yb])
                np.testing.assert_array_equal(xs, x[ys])
                labels.extend(ys.tolist())
                steps += 1
        except tf.errors.OutOfRangeError:
            pass
        finally:
            coord.request_stop()
        coord.join(threads, stop_grace_period_secs=5)
    assert steps == 8
    assert sorted(labels) == sorted(list(range(10)) * 3)
    assert labels[:10] != list(range(10))
    assert not any(t.is_alive() for t in threads)


def test_shuffle_batch_of_an_endless_input_stops_cleanly_on_request_stop():
    rng = np.random.RandomState(0)
    data = rng.randn(50, 3).astype(np.float32)
    w_true = np.array([[1.0], [-2.0], [0.5]], np.float32)
    xi, yi = tf.train.slice_input_producer([data, data @ w_true], seed=1)
    xb, yb = tf.train.shuffle_batch({"x": xi, "y": yi}, batch_size=10, capacity=40,
                                    min_after_dequeue=20, num_threads=2, seed=2).values()
    assert xb.shape.as_list() == [10, 3]
    w = tf.Variable(tf.zeros([3, 1]))
    loss = tf.reduce_mean(tf.square(tf.matmul(xb, w) - yb))
    train = tf.train.GradientDescentOptimizer(0.2).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        for _ in range(150):
            sess.run(train)
        coord.request_stop()
        coord.join(threads, stop_grace_period_secs=5)
        np.testing.assert_allclose(sess.run(w), w_true, atol=1e-2)
    assert not any(t.is_alive() for t in threads)


def test_a_failing_enqueue_reaches_coordinator_join():
    def bad(_):
        raise ValueError("broken reader")

    value = tf.py_func(bad, [tf.constant(1.0)], tf.float32)
    value.set_shape([])
    q = tf.FIFOQueue(4, tf.float32, shapes=[[]])
    qr = tf.train.QueueRunner(q, [q.enqueue(value)])
    tf.train.add_queue_runner(qr)
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        assert coord.wait_for_stop(5)
        with pytest.raises(tf.errors.InvalidArgumentError, match="broken reader"):
            coord.join(threads, stop_grace_period_secs=5)


def test_coordinator_treats_out_of_range_as_a_clean_stop():
    coord = tf.train.Coordinator()
    with coord.stop_on_exception():
        raise tf.errors.OutOfRangeError(None, None, "done")
    assert coord.should_stop()
    coord.join([])
    other = tf.train.Coordinator()
    other.request_stop(RuntimeError("first"))
    other.request_stop(RuntimeError("second"))
    with pytest.raises(RuntimeError, match="first"):
        other.join()
    stuck = threading.Thread(target=time.sleep, args=(1.0,), daemon=True)
    stuck.start()
    late = tf.train.Coordinator()
    late.request_stop()
    with pytest.raises(RuntimeError, match="threads still running"):
        late.join([stuck], stop_grace_period_secs=0.05)


def test_closing_the_session_ends_queue_runner_threads_blocked_on_a_full_queue():
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    tf.train.add_queue_runner(tf.train.QueueRunner(q, [q.enqueue(7)] * 2))
    sess = tf.Session()
    threads = tf.train.start_queue_runners(sess)
    assert sess.run(q.dequeue()) == 7
    sess.close()
    for t in threads:
        t.join(5)
    assert not any(t.is_alive() for t in threads)
