"""Running a recurrent cell over time (TF1 `tf.nn.static_rnn`, `dynamic_rnn` and the
bidirectional forms), with sequence_length masking, plus the small nested-structure helpers the
cells share. The cells themselves are in rnn_cell.py."""
from ..graph import dtypes
from ..graph.constant import convert_to_tensor
from ..graph.tensor import Tensor
from . import variable_scope as vs
from .array_ops import concat, identity, stack, transpose, unstack, zeros
from .cf_trace import flatten, pack_sequence_as
from .logic_ops import cast, where
from .manip_ops import reverse, reverse_sequence
from .shape_ops import shape as shape_op


# --- nested structures (tuples, lists, namedtuples such as LSTMStateTuple) ---------------------
def _is_seq(x):
    return isinstance(x, (tuple, list))


def map_structure(fn, *structures):
    flats = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [fn(*leaves) for leaves in zip(*flats)])


# --- the loops ---------------------------------------------------------------------------------
def _batch_size(flat_inputs):
    for x in flat_inputs:
        dim = x.shape[0].value if x.shape.ndims else None
        if dim is not None:
            return dim
    return shape_op(flat_inputs[0])[0]


def _initial_state(cell, initial_state, dtype, batch_size):
    if initial_state is not None:
        return initial_state
    if not dtype:
        raise ValueError("If no initial_state is provided, dtype must be specified")
    return cell.zero_state(batch_size, dtype)


def _as_lengths(sequence_length):
    sequence_length = cast(convert_to_tensor(sequence_length), dtypes.int32)
    if sequence_length.shape.ndims not in (None, 1):
        raise ValueError("sequence_length must be a vector of length batch_size, but saw shape: "
                         f"{sequence_length.shape}")
    return identity(sequence_length, name="sequence_length")


def _masked_step(time, lengths, zero_output, state, output, new_state):
    """TF's _rnn_step: past a sequence's end its output is zero and its state is carried."""
    done = time >= lengths
    output = map_structure(lambda z, o: where(done, z, o), zero_output, output)
    new_state = map_structure(lambda s, n: where(done, s, n), state, new_state)
    return output, new_state


def _run(cell, step_inputs, state, lengths, varscope):
    """Calls the cell once per step (reusing its variables); returns outputs and last state."""
    outputs = []
    zero_output = None
    if lengths is not None:
        batch = _batch_size(flatten(step_inputs[0]))
        zero_output = map_structure(
            lambda size: zeros(_stacked([batch, size]), dtype=flatten(state)[0].dtype),
            cell.output_size)
    for time, input_ in enumerate(step_inputs):
        if time > 0:
            varscope.reuse_variables()
        output, new_state = cell(input_, state)
        if lengths is not None:
            output, new_state = _masked_step(time, lengths, zero_output, state, output,
                                             new_state)
        state = new_state
        outputs.append(output)
    return outputs, state


def _stacked(dims):
    return stack(dims) if any(isinstance(d, Tensor) for d in dims) else dims


def static_rnn(cell, inputs, initial_state=None, dtype=None, sequence_length=None, scope=None):
    """Runs `cell` over the list `inputs` (one [batch, depth] tensor per step) in variable scope
    `scope` or 'rnn' (TF1 `tf.nn.static_rnn`). Returns (outputs list, final state); past
    sequence_length[b] outputs are zero and the state is carried, as TF."""
    if not _is_seq(inputs):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    with vs.variable_scope(scope or "rnn") as varscope:
        state = _initial_state(cell, initial_state, dtype, _batch_size(flatten(inputs[0])))
        lengths = None if sequence_length is None else _as_lengths(sequence_length)
        return _run(cell, list(inputs), state, lengths, varscope)


def _time_steps(flat_inputs, time_major):
    axis = 0 if time_major else 1
    steps = flat_inputs[0].shape[axis].value if flat_inputs[0].shape.ndims else None
    if steps is None:
        raise ValueError("graphgrad's dynamic_rnn unrolls at graph-build time and needs a static "
                         f"number of time steps; inputs have shape {flat_inputs[0].shape}.")
    return steps


def dynamic_rnn(cell, inputs, sequence_length=None, initial_state=None, dtype=None,
                parallel_iterations=None, swap_memory=False, time_major=False, scope=None):
    """Runs `cell` over the time axis of `inputs` ([batch, time, depth], or [time, batch, depth]
    when time_major) in variable scope `scope` or 'rnn' (TF1 `tf.nn.dynamic_rnn`). Returns
    (outputs with the layout of inputs, final state); past sequence_length[b] outputs are zero
    and the final state is the state at each sequence's end.

    Differs from TF: unrolled at build time; needs a static number of steps."""
    with vs.variable_scope(scope or "rnn") as varscope:
        flat = [convert_to_tensor(x) for x in flatten(inputs)]
        for x in flat:
            if x.shape.ndims is not None and x.shape.ndims < 2:
                raise ValueError(f"Expected input tensor {x.name} to have rank at least 2")
        steps = _time_steps(flat, time_major)
        if not time_major:
            flat = [_swap_batch_time(x) for x in flat]
        per_step = [unstack(x, num=steps, axis=0) for x in flat]
        step_inputs = [pack_sequence_as(inputs, [p[t] for p in per_step]) for t in range(steps)]
        state = _initial_state(cell, initial_state, dtype, _batch_of_time_major(flat[0]))
        lengths = None if sequence_length is None else _as_lengths(sequence_length)
        outputs, state = _run(cell, step_inputs, state, lengths, varscope)
        flat_out = [stack(list(o), axis=0) for o in zip(*[flatten(x) for x in outputs])]
        if not time_major:
            flat_out = [_swap_batch_time(x) for x in flat_out]
        return pack_sequence_as(outputs[0], flat_out), state


def _batch_of_time_major(x):
    dim = x.shape[1].value if x.shape.ndims else None
    return dim if dim is not None else shape_op(x)[1]


def _swap_batch_time(x):
    rank = x.shape.ndims
    if rank is None:
        raise ValueError("dynamic_rnn needs inputs of known rank.")
    return transpose(x, [1, 0, *range(2, rank)])


def _reverse_seq(inputs, lengths):
    """The list of step tensors reversed, per sequence up to its length when lengths is given."""
    if lengths is None:
        return list(reversed(inputs))
    flat_steps = [flatten(x) for x in inputs]
    out = []
    for leaves in zip(*flat_steps):
        seq = stack(list(leaves))
        out.append(unstack(reverse_sequence(seq, cast(lengths, dtypes.int64), seq_axis=0,
                                            batch_axis=1)))
    return [pack_sequence_as(inputs[0], [o[t] for o in out]) for t in range(len(inputs))]


def static_bidirectional_rnn(cell_fw, cell_bw, inputs, initial_state_fw=None,
                             initial_state_bw=None, dtype=None, sequence_length=None, scope=None):
    """A forward and a backward static_rnn (scopes '<scope or bidirectional_rnn>/fw' and '/bw');
    the outputs concatenate forward and backward per step (TF1
    `tf.nn.static_bidirectional_rnn`). Returns (outputs, output_state_fw, output_state_bw)."""
    if not _is_seq(inputs):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    with vs.variable_scope(scope or "bidirectional_rnn"):
        with vs.variable_scope("fw") as fw_scope:
            output_fw, state_fw = static_rnn(cell_fw, inputs, initial_state_fw, dtype,
                                             sequence_length, scope=fw_scope)
        with vs.variable_scope("bw") as bw_scope:
            lengths = None if sequence_length is None else cast(sequence_length, dtypes.int32)
            reversed_inputs = _reverse_seq(list(inputs), lengths)
            tmp, state_bw = static_rnn(cell_bw, reversed_inputs, initial_state_bw, dtype,
                                       sequence_length, scope=bw_scope)
    output_bw = _reverse_seq(tmp, lengths)
    outputs = [map_structure(lambda f, b: concat([f, b], 1), fw, bw)
               for fw, bw in zip(output_fw, output_bw)]
    return outputs, state_fw, state_bw


def bidirectional_dynamic_rnn(cell_fw, cell_bw, inputs, sequence_length=None,
                              initial_state_fw=None, initial_state_bw=None, dtype=None,
                              parallel_iterations=None, swap_memory=False, time_major=False,
                              scope=None):
    """A forward and a backward dynamic_rnn in '<scope or bidirectional_rnn>/fw' and '/bw' (TF1
    `tf.nn.bidirectional_dynamic_rnn`). Returns ((output_fw, output_bw), (state_fw, state_bw));
    output_bw is in forward time order.

    Differs from TF: unrolled at build time; needs a static number of steps."""
    time_axis, batch_axis = (0, 1) if time_major else (1, 0)

    def _reverse(x):
        if sequence_length is None:
            return reverse(x, axis=[time_axis])
        return reverse_sequence(x, cast(sequence_length, dtypes.int64), seq_axis=time_axis,
                                batch_axis=batch_axis)

    with vs.variable_scope(scope or "bidirectional_rnn"):
        with vs.variable_scope("fw") as fw_scope:
            output_fw, state_fw = dynamic_rnn(cell_fw, inputs, sequence_length, initial_state_fw,
                                              dtype, time_major=time_major, scope=fw_scope)
        with vs.variable_scope("bw") as bw_scope:
            inputs_reverse = map_structure(lambda x: _reverse(convert_to_tensor(x)), inputs)
            tmp, state_bw = dynamic_rnn(cell_bw, inputs_reverse, sequence_length,
                                        initial_state_bw, dtype, time_major=time_major,
                                        scope=bw_scope)
    output_bw = map_structure(_reverse, tmp)
    return (output_fw, output_bw), (state_fw, state_bw)


__all__ = ["static_rnn", "dynamic_rnn", "static_bidirectional_rnn", "bidirectional_dynamic_rnn"]
