"""Numerically stable softmax, log-softmax and the fused softmax cross-entropy kernels."""


def softmax(xp, logits):
    shifted = logits - xp.max(logits, axis=-1, keepdims=True) if logits.size else logits
    e = xp.exp(shifted)
    return e / xp.sum(e, axis=-1, keepdims=True)


def log_softmax(xp, logits):
    if not logits.size:
        return logits.copy()
    shifted = logits - xp.max(logits, axis=-1, keepdims=True)
    return shifted - xp.log(xp.sum(xp.exp(shifted), axis=-1, keepdims=True))


def softmax_xent(xp, logits, labels):
    """(-sum(labels * log_softmax(logits), -1), softmax(logits) - labels)."""
    log_p = log_softmax(xp, logits)
    loss = -xp.sum(labels * log_p, axis=-1)
    return loss.astype(logits.dtype, copy=False), xp.exp(log_p) - labels


def sparse_softmax_xent(xp, logits, labels):
    """Like softmax_xent with one-hot labels given as class indices; rejects bad indices."""
    n = logits.shape[-1]
    bad = (labels < 0) | (labels >= n)
    if bad.any():
        raise ValueError(f"Received a label value of {labels[bad].reshape(-1)[0].item()} "
                         f"which is outside the valid range of [0, {n}).  Label values: "
                         f"{' '.join(str(v) for v in labels.reshape(-1)[:20].tolist())}")
    log_p = log_softmax(xp, logits)
    one_hot = labels[..., None] == xp.arange(n)
    loss = -xp.sum(xp.where(one_hot, log_p, 0), axis=-1)
    return loss.astype(logits.dtype, copy=False), xp.exp(log_p) - one_hot


def sigmoid_xent(xp, logits, labels):
    """max(x, 0) - x * z + log(1 + exp(-|x|)): no overflow for any finite x."""
    return xp.maximum(logits, 0) - logits * labels + xp.log1p(xp.exp(-xp.abs(logits)))
