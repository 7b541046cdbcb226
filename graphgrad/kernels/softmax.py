"""Numerically stable softmax and log-softmax over the last axis."""


def softmax(xp, logits):
    shifted = logits - xp.max(logits, axis=-1, keepdims=True) if logits.size else logits
    e = xp.exp(shifted)
    return e / xp.sum(e, axis=-1, keepdims=True)


def log_softmax(xp, logits):
    if not logits.size:
        return logits.copy()
    shifted = logits - xp.max(logits, axis=-1, keepdims=True)
    return shifted - xp.log(xp.sum(xp.exp(shifted), axis=-1, keepdims=True))
