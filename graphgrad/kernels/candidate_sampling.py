"""Candidate samplers and sparse variable updates as pure array functions (no graph here)."""
import numpy as np


def log_uniform_candidates(xp, true_classes, *, rng, num_true, num_sampled, unique, range_max,
                           **_):
    """TF's LogUniformCandidateSampler: P(k) = log((k + 2) / (k + 1)) / log(range_max + 1),
    drawn without replacement (by rejection) when `unique`; expected counts as TF computes them
    from the number of draws it took."""
    log_range = np.log(range_max + 1.0)

    def draw(n):
        return (np.exp(rng.random(n) * log_range).astype(np.int64) - 1) % range_max

    if unique:
        if num_sampled > range_max:
            raise ValueError(f"num_sampled ({num_sampled}) must be at most range_max "
                             f"({range_max}) when unique=True")
        seen, sampled, tries = set(), [], 0
        while len(sampled) < num_sampled:
            for value in draw(2 * num_sampled).tolist():
                tries += 1
                if value not in seen:
                    seen.add(value)
                    sampled.append(value)
                    if len(sampled) == num_sampled:
                        break
        sampled = np.asarray(sampled, dtype=np.int64)
    else:
        sampled = draw(num_sampled)
        tries = num_sampled

    def expected(classes):
        p = np.log((classes.astype(np.float64) + 2.0) / (classes + 1.0)) / log_range
        if unique:
            return (-np.expm1(tries * np.log1p(-p))).astype(np.float32)
        return (p * num_sampled).astype(np.float32)
    true_classes = np.asarray(true_classes)
    return (xp.asarray(sampled), xp.asarray(expected(true_classes)),
            xp.asarray(expected(sampled)))


def scatter_sub_inplace(xp, table, indices, updates):
    """table[indices] -= updates, repeated indices subtracting each of their updates (as TF)."""
    if indices.size and (indices.min() < 0 or indices.max() >= table.shape[0]):
        bad = int(indices.max() if indices.max() >= table.shape[0] else indices.min())
        raise ValueError(f"indices[...] = {bad} is not in [0, {table.shape[0]})")
    want = indices.shape + table.shape[1:]
    if updates.shape != want:
        raise ValueError(f"updates has shape {list(updates.shape)}, expected {list(want)}")
    xp.subtract.at(table, indices, updates.astype(table.dtype, copy=False))
    return table
