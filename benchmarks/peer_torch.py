"""PyTorch (eager) implementations of W1-W4, one thread unless BENCH_THREADS=default. The CNN
runs in NCHW, PyTorch's native layout, with the shared weights permuted so the function is the
same. torch.optim.Adam adds epsilon after the bias correction where TF1 adds it before (TF's
"epsilon hat"), so weights whose gradients are below ~1e-6 take different steps (W2 after one
step: up to 7e-4 apart); every other peer matches graphgrad's W1/W2 weights to ~1e-6."""
import os

import bench_data
import numpy as np
import torch

if os.environ.get("BENCH_THREADS") != "default":
    torch.set_num_threads(1)


def _train_step(loss_fn, opt):
    def step():
        opt.zero_grad()
        loss_fn().backward()
        opt.step()
    return step


def w1():
    xv, yv = bench_data.w1_data()
    x, y = torch.from_numpy(xv), torch.from_numpy(yv)
    w = torch.zeros(784, 10, requires_grad=True)
    b = torch.zeros(10, requires_grad=True)
    opt = torch.optim.SGD([w, b], lr=0.5)
    return _train_step(lambda: -(y * torch.log_softmax(x @ w + b, dim=1)).sum(1).mean(),
                       opt)


def w2():
    xv, yv, ws = bench_data.w2_data()
    layers = [torch.nn.Linear(*w0.shape) for w0 in ws]
    with torch.no_grad():
        for layer, w0 in zip(layers, ws):
            layer.weight.copy_(torch.from_numpy(np.ascontiguousarray(w0.T)))
            layer.bias.zero_()
    model = torch.nn.Sequential(layers[0], torch.nn.ReLU(), layers[1], torch.nn.ReLU(),
                                layers[2])
    x, y = torch.from_numpy(xv), torch.from_numpy(yv)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    return _train_step(lambda: torch.nn.functional.cross_entropy(model(x), y), opt)


def w3():
    xv, yv, ws, bs = bench_data.w3_data()
    fc1 = ws["fc1"].reshape(7, 7, 64, 1024).transpose(2, 0, 1, 3).reshape(3136, 1024)
    w = {"conv1": ws["conv1"].transpose(3, 2, 0, 1), "conv2": ws["conv2"].transpose(3, 2, 0, 1),
         "fc1": fc1, "fc2": ws["fc2"]}
    params = {k: torch.tensor(np.ascontiguousarray(v), requires_grad=True) for k, v in w.items()}
    biases = {k: torch.tensor(v, requires_grad=True) for k, v in bs.items()}
    x = torch.from_numpy(xv).reshape(-1, 1, 28, 28)
    y = torch.from_numpy(yv)
    functional = torch.nn.functional
    opt = torch.optim.Adam(list(params.values()) + list(biases.values()), lr=1e-4)

    def loss():
        h = x
        for layer in ("conv1", "conv2"):
            h = torch.relu(functional.conv2d(h, params[layer], biases[layer], padding=2))
            h = functional.max_pool2d(h, 2)
        h = torch.relu(h.flatten(1) @ params["fc1"] + biases["fc1"])
        logits = functional.dropout(h, 0.5, training=True) @ params["fc2"] + biases["fc2"]
        return functional.cross_entropy(logits, y)
    return _train_step(loss, opt)


def w4():
    x = torch.ones(2, 2)
    k = torch.from_numpy(bench_data.W4_K)
    return lambda: (x + k) + k
