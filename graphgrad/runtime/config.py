"""Session options with TF1's names (ConfigProto, GPUOptions, RunOptions, RunMetadata)."""


class _Options:
    """A record of keyword options with TF's field names; unknown fields are errors."""

    _fields = {}

    def __init__(self, **kwargs):
        for key, default in self._fields.items():
            setattr(self, key, kwargs.pop(key, default() if callable(default) else default))
        if kwargs:
            raise ValueError(f"{type(self).__name__} has no field(s) {sorted(kwargs)}")

    def __repr__(self):
        fields = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._fields)
        return f"{type(self).__name__}({fields})"


class GPUOptions(_Options):
    _fields = {"allow_growth": False, "per_process_gpu_memory_fraction": 0.0,
               "visible_device_list": ""}


class GraphOptions(_Options):
    # rewrite_options: {name: bool} switching graphgrad's plan rewrites (runtime/rewrite.py
    # ENABLED lists them); TF's RewriterConfig proto is not modelled.
    _fields = {"optimizer_options": None, "enable_bfloat16_sendrecv": False,
               "rewrite_options": None}


class ConfigProto(_Options):
    """Session options (TF1 `tf.ConfigProto`). Device fields (see runtime/placement.py):
    `log_device_placement` prints `name: (Type): /job:localhost/.../device:GPU:0` per op, to
    stderr, once per compiled plan; `device_count={'GPU': 0}` hides the GPUs;
    `allow_soft_placement` only changes the wording of the missing-device warning.

    Differs from TF: a missing device never fails (soft placement, one warning per session).
    """
    _fields = {"intra_op_parallelism_threads": 0, "inter_op_parallelism_threads": 0,
               "allow_soft_placement": False, "log_device_placement": False,
               "device_count": dict, "gpu_options": GPUOptions, "graph_options": GraphOptions,
               "operation_timeout_in_ms": 0}


class RunOptions(_Options):
    NO_TRACE, SOFTWARE_TRACE, HARDWARE_TRACE, FULL_TRACE = 0, 1, 2, 3
    _fields = {"trace_level": 0, "timeout_in_ms": 0}


class RunMetadata(_Options):
    _fields = {"step_stats": None, "cost_graph": None, "partition_graphs": list}
