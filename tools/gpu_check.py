"""GPU check (issue #7): trains the seed model (softmax regression), an MLP and the Deep-MNIST
style CNN on the shipped MNIST files, on the CPU and on '/gpu:0', and prints a table of
steps/s, test accuracy and whether the first losses agree; PyTorch on the same GPU when
importable.

    pip install graphgrad[gpu]          # cupy-cuda12x
    python tools/gpu_check.py [--steps 300] [--batch 100] [--models seed,mlp,cnn] [--fake]

--fake runs on graphgrad's fake GPU (runtime/fake_device.py) to check the script without one.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

import graphgrad as tf  # noqa: E402
from graphgrad.runtime import backend  # noqa: E402

MNIST = os.path.join(os.path.dirname(tf.__file__), "data", "mnist")


def seed_model(x, keep):
    w = tf.Variable(tf.zeros([784, 10]))
    b = tf.Variable(tf.zeros([10]))
    return tf.matmul(x, w) + b, tf.train.GradientDescentOptimizer(0.5)


def mlp(x, keep):
    h = tf.layers.dense(x, 256, activation=tf.nn.relu)
    h = tf.layers.dense(tf.nn.dropout(h, keep), 128, activation=tf.nn.relu)
    return tf.layers.dense(h, 10), tf.train.AdamOptimizer(1e-3)


def cnn(x, keep):
    image = tf.reshape(x, [-1, 28, 28, 1])
    h = tf.layers.conv2d(image, 32, 5, padding="same", activation=tf.nn.relu)
    h = tf.layers.max_pooling2d(h, 2, 2)
    h = tf.layers.conv2d(h, 64, 5, padding="same", activation=tf.nn.relu)
    h = tf.layers.max_pooling2d(h, 2, 2)
    h = tf.layers.dense(tf.reshape(h, [-1, 7 * 7 * 64]), 1024, activation=tf.nn.relu)
    return tf.layers.dense(tf.nn.dropout(h, keep), 10), tf.train.AdamOptimizer(1e-4)


MODELS = {"seed": seed_model, "mlp": mlp, "cnn": cnn}


def run_graphgrad(name, device, data, steps, batch):
    """(steps/s, test accuracy, first 10 losses) for one model on one device."""
    graph = tf.Graph()
    with graph.as_default(), tf.device(device):
        tf.set_random_seed(0)
        x = tf.placeholder(tf.float32, [None, 784])
        y = tf.placeholder(tf.float32, [None, 10])
        keep = tf.placeholder_with_default(1.0, [])
        logits, optimizer = MODELS[name](x, keep)
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
        train = optimizer.minimize(loss)
        correct = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1)),
                                        tf.float32))
        init = tf.global_variables_initializer()
    images, labels, test_images, test_labels = data
    losses = []
    with tf.Session(graph=graph) as sess:
        sess.run(init)
        start = None
        for i in range(steps):
            if i == 10:
                start = time.perf_counter()
            lo = (i * batch) % (len(images) - batch)
            feed = {x: images[lo:lo + batch], y: labels[lo:lo + batch], keep: 0.5}
            losses.append(sess.run([loss, train], feed)[0])
        rate = (steps - 10) / (time.perf_counter() - start)
        hits = sum(sess.run(correct, {x: test_images[i:i + 500], y: test_labels[i:i + 500]})
                   for i in range(0, len(test_images), 500))
    return rate, hits / len(test_images), losses[:10]


def run_torch(name, data, steps, batch):
    """(steps/s, test accuracy) of the same model in PyTorch on CUDA, or None."""
    try:
        import torch
    except ImportError:
        return None
    if not torch.cuda.is_available():
        return None
    nn = torch.nn
    torch.manual_seed(0)
    dev = torch.device("cuda")
    if name == "seed":
        model, opt = nn.Linear(784, 10), None
        opt = torch.optim.SGD(model.parameters(), lr=0.5)
    elif name == "mlp":
        model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, 128),
                              nn.ReLU(), nn.Linear(128, 10))
        opt = None
    else:
        model = nn.Sequential(nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, 32, 5, padding=2),
                              nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 5, padding=2),
                              nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(3136, 1024),
                              nn.ReLU(), nn.Dropout(0.5), nn.Linear(1024, 10))
        opt = None
    model = model.to(dev)
    if opt is None:
        opt = torch.optim.Adam(model.parameters(), lr=1e-3 if name == "mlp" else 1e-4)
    images, labels, test_images, test_labels = data
    loss_fn = nn.CrossEntropyLoss()
    start = None
    for i in range(steps):
        if i == 10:
            torch.cuda.synchronize()
            start = time.perf_counter()
        lo = (i * batch) % (len(images) - batch)
        xb = torch.from_numpy(images[lo:lo + batch]).to(dev)
        yb = torch.from_numpy(labels[lo:lo + batch].argmax(1)).to(dev)
        opt.zero_grad()
        loss_fn(model(xb), yb).backward()
        opt.step()
        if i == steps - 1:
            torch.cuda.synchronize()
    rate = (steps - 10) / (time.perf_counter() - start)
    model.eval()
    with torch.no_grad():
        out = model(torch.from_numpy(test_images).to(dev)).argmax(1).cpu().numpy()
    return rate, float((out == test_labels.argmax(1)).mean())


def load_data():
    from graphgrad.datasets.mnist import read_data_sets
    mnist = read_data_sets(MNIST, one_hot=True)
    return (mnist.train.images, mnist.train.labels, mnist.test.images, mnist.test.labels)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--models", default="seed,mlp,cnn")
    parser.add_argument("--fake", action="store_true", help="use graphgrad's fake GPU")
    args = parser.parse_args(argv)
    if args.fake:
        os.environ["GRAPHGRAD_FAKE_GPU"] = "1"
    fake = os.environ.get("GRAPHGRAD_FAKE_GPU", "") not in ("", "0")
    print(f"GPUs seen by graphgrad: {backend.gpu_count()} "
          f"({'fake' if fake else 'CuPy'}); steps={args.steps}, batch={args.batch}")
    if not backend.gpu_count():
        print("No GPU: install cupy-cuda12x on a CUDA machine, or pass --fake.")
        return 1
    data = load_data()
    rows = []
    ok = True
    for name in args.models.split(","):
        cpu = run_graphgrad(name, "/cpu:0", data, args.steps, args.batch)
        gpu = run_graphgrad(name, "/gpu:0", data, args.steps, args.batch)
        same = np.allclose(cpu[2], gpu[2], rtol=1e-3, atol=1e-4)
        ok = ok and same and abs(cpu[1] - gpu[1]) < 0.02
        rows.append((name, "graphgrad CPU", cpu[0], cpu[1], ""))
        rows.append((name, "graphgrad GPU", gpu[0], gpu[1], "yes" if same else "NO"))
        torch_result = run_torch(name, data, args.steps, args.batch)
        if torch_result is not None:
            rows.append((name, "PyTorch CUDA", torch_result[0], torch_result[1], ""))
    print(f"{'model':6} {'engine':15} {'steps/s':>9} {'test acc':>9}  first losses = CPU's")
    for name, engine, rate, acc, same in rows:
        print(f"{name:6} {engine:15} {rate:9.1f} {acc:9.4f}  {same}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
