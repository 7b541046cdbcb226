"""JAX implementations of W1-W4: the whole training step (forward, `jax.grad`, update) is one
`jax.jit`-compiled function with donated parameter buffers; each call blocks until the result is
ready, as a Session run does. One thread: run.py sets XLA_FLAGS before jax is imported (busy.py's
default-threads children do not)."""
import bench_data
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax


def _adam(lr):
    """TF1's Adam as (init, update) over a list of arrays; the state is (t, ms, vs)."""
    def init(params):
        return (jnp.zeros((), jnp.float32), [jnp.zeros_like(p) for p in params],
                [jnp.zeros_like(p) for p in params])

    def update(params, grads, state):
        t, ms, vs = state
        t = t + 1
        alpha = lr * jnp.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        ms = [m + (g - m) * 0.1 for g, m in zip(grads, ms)]
        vs = [v + (g * g - v) * 0.001 for g, v in zip(grads, vs)]
        params = [p - alpha * m / (jnp.sqrt(v) + 1e-8) for p, m, v in zip(params, ms, vs)]
        return params, (t, ms, vs)
    return init, update


def _xent(logits, y):
    return -jnp.mean(jnp.sum(y * jax.nn.log_softmax(logits), axis=1))


def _loop(update, state, *args):
    """A step() closing over the state a donated jitted `update(state, *args)` replaces."""
    box = [state]

    def step():
        box[0] = update(box[0], *args)
        jax.block_until_ready(box[0])
    return step


def w1():
    xv, yv = bench_data.w1_data()

    def update(params, x, y):
        grads = jax.grad(lambda p: _xent(x @ p[0] + p[1], y))(params)
        return [p - 0.5 * g for p, g in zip(params, grads)]
    params = [jnp.zeros((784, 10), jnp.float32), jnp.zeros(10, jnp.float32)]
    return _loop(jax.jit(update, donate_argnums=0), params, jnp.asarray(xv), jnp.asarray(yv))


def _mlp_loss(params, x, y):
    ws, bs = params[:3], params[3:]
    h = x
    for i, (w, b) in enumerate(zip(ws, bs)):
        h = h @ w + b
        if i < 2:
            h = jax.nn.relu(h)
    return _xent(h, y)


def w2():
    xv, yv, ws = bench_data.w2_data()
    params = [jnp.asarray(w) for w in ws] + [jnp.zeros(w.shape[1], jnp.float32) for w in ws]
    init, adam = _adam(1e-3)

    def update(state, x, y):
        params, opt = state
        return adam(params, jax.grad(_mlp_loss)(params, x, y), opt)
    return _loop(jax.jit(update, donate_argnums=0), (params, init(params)), jnp.asarray(xv),
                 jnp.asarray(yv))


def _cnn_loss(params, x, y, key):
    w, b = params[:4], params[4:]
    h = x.reshape(-1, 28, 28, 1)
    for i in (0, 1):
        h = lax.conv_general_dilated(h, w[i], (1, 1), "SAME",
                                     dimension_numbers=("NHWC", "HWIO", "NHWC"))
        h = jax.nn.relu(h + b[i])
        h = lax.reduce_window(h, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "SAME")
    h = jax.nn.relu(h.reshape(h.shape[0], -1) @ w[2] + b[2])
    h = jnp.where(jax.random.bernoulli(key, 0.5, h.shape), h * 2.0, 0.0)
    return _xent(h @ w[3] + b[3], y)


def w3():
    xv, yv, ws, bs = bench_data.w3_data()
    names = list(bench_data.CNN_SHAPES)
    params = [jnp.asarray(ws[k]) for k in names] + [jnp.asarray(bs[k]) for k in names]
    init, adam = _adam(1e-4)

    def update(state, x, y):
        params, opt, key = state
        key, sub = jax.random.split(key)
        params, opt = adam(params, jax.grad(_cnn_loss)(params, x, y, sub), opt)
        return params, opt, key
    state = (params, init(params), jax.random.PRNGKey(3))
    return _loop(jax.jit(update, donate_argnums=0), state, jnp.asarray(xv), jnp.asarray(yv))


def w4():
    k = jnp.asarray(bench_data.W4_K)
    f = jax.jit(lambda x: (x + k) + k)
    x = jnp.asarray(np.ones((2, 2), np.float32))
    return lambda: f(x).block_until_ready()
