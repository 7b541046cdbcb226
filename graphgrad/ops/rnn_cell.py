"""TF1 recurrent cells (`tf.nn.rnn_cell`, `tf.contrib.rnn`): BasicRNNCell, BasicLSTMCell,
LSTMCell, GRUCell, MultiRNNCell and the Dropout/Residual wrappers. Cells are layers, so their
variables ('<scope>/basic_lstm_cell/kernel', '.../bias') go through get_variable. The loops that
run them over time are in rnn.py."""
import collections

from ..graph.constant import convert_to_tensor
from ..graph.default import name_scope
from ..graph.tensor import Tensor
from ..layers.base import Layer
from . import init_ops
from . import variable_scope as vs
from .array_ops import concat, split, zeros
from .indexing_ops import slice as slice_
from .math_ops import clip_by_value, sigmoid, tanh
from .matmul_ops import matmul
from .nn_impl_ops import dropout
from .nn_ops import bias_add
from .rnn import flatten, map_structure, pack_sequence_as

_WEIGHTS_VARIABLE_NAME = "kernel"
_BIAS_VARIABLE_NAME = "bias"


class LSTMStateTuple(collections.namedtuple("LSTMStateTuple", ("c", "h"))):
    """The (c, h) state of an LSTM cell: c the memory, h the output."""
    __slots__ = ()

    @property
    def dtype(self):
        c, h = self
        if c.dtype != h.dtype:
            raise TypeError(f"Inconsistent internal state: {c.dtype} vs {h.dtype}")
        return c.dtype


class RNNCell(Layer):
    """Abstract recurrent cell: `output, new_state = cell(inputs, state)` (TF1 `RNNCell`).

    Subclasses define state_size, output_size and call(inputs, state)."""

    def __call__(self, inputs, state, scope=None):
        if scope is not None:
            with vs.variable_scope(scope) as captured:
                return super().__call__(inputs, state, scope=captured)
        return super().__call__(inputs, state)

    @property
    def state_size(self):
        raise NotImplementedError("Abstract method")

    @property
    def output_size(self):
        raise NotImplementedError("Abstract method")

    def build(self, inputs_shape):
        self.built = True

    def zero_state(self, batch_size, dtype):
        """Zero-filled state tensor(s) of shape [batch_size, s] for each s in state_size."""
        with name_scope(type(self).__name__ + "ZeroState"):
            return map_structure(lambda s: _zeros(batch_size, s, dtype), self.state_size)


def _zeros(batch_size, size, dtype):
    if isinstance(batch_size, Tensor):
        from .array_ops import stack
        return zeros(stack([batch_size, size]), dtype=dtype)
    return zeros([batch_size, size], dtype=dtype)


def _input_depth(cell, inputs_shape):
    depth = inputs_shape[-1].value if inputs_shape.ndims else None
    if depth is None:
        raise ValueError(f"Expected inputs.shape[-1] to be known, saw shape: {inputs_shape}")
    return depth


class LayerRNNCell(RNNCell):
    """An RNNCell whose variables are made in build() (TF1 `LayerRNNCell`)."""


class BasicRNNCell(LayerRNNCell):
    """output = new_state = act(W [inputs, state] + b) (TF1 `BasicRNNCell`)."""

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = num_units
        self._activation = activation or tanh

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth = _input_depth(self, inputs_shape)
        self._kernel = self.add_weight(_WEIGHTS_VARIABLE_NAME,
                                       shape=[depth + self._num_units, self._num_units])
        self._bias = self.add_weight(_BIAS_VARIABLE_NAME, shape=[self._num_units],
                                     initializer=init_ops.zeros_initializer(dtype=self.dtype))
        self.built = True

    def call(self, inputs, state):
        gate_inputs = bias_add(matmul(concat([inputs, state], 1), self._kernel), self._bias)
        output = self._activation(gate_inputs)
        return output, output


class GRUCell(LayerRNNCell):
    """Gated recurrent unit (Cho et al. 2014) (TF1 `GRUCell`): gates r, u; the gate bias
    starts at 1.0."""

    def __init__(self, num_units, activation=None, reuse=None, kernel_initializer=None,
                 bias_initializer=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = num_units
        self._activation = activation or tanh
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        self._gate_kernel = self.add_weight("gates/" + _WEIGHTS_VARIABLE_NAME, [depth + n, 2 * n],
                                            initializer=self._kernel_initializer)
        self._gate_bias = self.add_weight(
            "gates/" + _BIAS_VARIABLE_NAME, [2 * n],
            initializer=self._bias_initializer or init_ops.constant_initializer(
                1.0, dtype=self.dtype))
        self._candidate_kernel = self.add_weight("candidate/" + _WEIGHTS_VARIABLE_NAME,
                                                 [depth + n, n],
                                                 initializer=self._kernel_initializer)
        self._candidate_bias = self.add_weight(
            "candidate/" + _BIAS_VARIABLE_NAME, [n],
            initializer=self._bias_initializer or init_ops.zeros_initializer(dtype=self.dtype))
        self.built = True

    def call(self, inputs, state):
        gate_inputs = bias_add(matmul(concat([inputs, state], 1), self._gate_kernel),
                               self._gate_bias)
        r, u = split(sigmoid(gate_inputs), 2, axis=1)
        candidate = bias_add(matmul(concat([inputs, r * state], 1), self._candidate_kernel),
                             self._candidate_bias)
        c = self._activation(candidate)
        new_h = u * state + (1 - u) * c
        return new_h, new_h


class BasicLSTMCell(LayerRNNCell):
    """LSTM without peepholes or projection (TF1 `BasicLSTMCell`): gates i, j, f, o from one
    kernel; forget_bias is added to f; state is LSTMStateTuple(c, h)."""

    def __init__(self, num_units, forget_bias=1.0, state_is_tuple=True, activation=None,
                 reuse=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = num_units
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = activation or tanh

    @property
    def state_size(self):
        n = self._num_units
        return LSTMStateTuple(n, n) if self._state_is_tuple else 2 * n

    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        self._kernel = self.add_weight(_WEIGHTS_VARIABLE_NAME, shape=[depth + n, 4 * n])
        self._bias = self.add_weight(_BIAS_VARIABLE_NAME, shape=[4 * n],
                                     initializer=init_ops.zeros_initializer(dtype=self.dtype))
        self.built = True

    def call(self, inputs, state):
        if self._state_is_tuple:
            c, h = state
        else:
            c, h = split(state, 2, axis=1)
        gate_inputs = bias_add(matmul(concat([inputs, h], 1), self._kernel), self._bias)
        i, j, f, o = split(gate_inputs, 4, axis=1)
        forget_bias = convert_to_tensor(self._forget_bias, dtype=f.dtype)
        new_c = c * sigmoid(f + forget_bias) + sigmoid(i) * self._activation(j)
        new_h = self._activation(new_c) * sigmoid(o)
        new_state = LSTMStateTuple(new_c, new_h) if self._state_is_tuple \
            else concat([new_c, new_h], 1)
        return new_h, new_state


class LSTMCell(LayerRNNCell):
    """LSTM with optional peepholes, cell clipping and an output projection (TF1 `LSTMCell`).

    Differs from TF: num_unit_shards / num_proj_shards (deprecated partitioning) are ignored."""

    def __init__(self, num_units, use_peepholes=False, cell_clip=None, initializer=None,
                 num_proj=None, proj_clip=None, num_unit_shards=None, num_proj_shards=None,
                 forget_bias=1.0, state_is_tuple=True, activation=None, reuse=None, name=None,
                 dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = num_units
        self._use_peepholes = use_peepholes
        self._cell_clip = cell_clip
        self._initializer = initializer
        self._num_proj = num_proj
        self._proj_clip = proj_clip
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = activation or tanh

    @property
    def state_size(self):
        n, m = self._num_units, self._num_proj or self._num_units
        return LSTMStateTuple(n, m) if self._state_is_tuple else n + m

    output_size = property(lambda self: self._num_proj or self._num_units)

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        h_depth = self._num_proj or n
        init = self._initializer
        self._kernel = self.add_weight(_WEIGHTS_VARIABLE_NAME, [depth + h_depth, 4 * n],
                                       initializer=init)
        self._bias = self.add_weight(_BIAS_VARIABLE_NAME, [4 * n],
                                     initializer=init_ops.zeros_initializer(dtype=self.dtype))
        if self._use_peepholes:
            self._w_f_diag = self.add_weight("w_f_diag", [n], initializer=init)
            self._w_i_diag = self.add_weight("w_i_diag", [n], initializer=init)
            self._w_o_diag = self.add_weight("w_o_diag", [n], initializer=init)
        if self._num_proj is not None:
            self._proj_kernel = self.add_weight("projection/" + _WEIGHTS_VARIABLE_NAME,
                                                [n, self._num_proj], initializer=init)
        self.built = True

    def call(self, inputs, state):
        n, act = self._num_units, self._activation
        if self._state_is_tuple:
            c_prev, m_prev = state
        else:
            c_prev = slice_(state, [0, 0], [-1, n])
            m_prev = slice_(state, [0, n], [-1, self._num_proj or n])
        lstm_matrix = bias_add(matmul(concat([inputs, m_prev], 1), self._kernel), self._bias)
        i, j, f, o = split(lstm_matrix, 4, axis=1)
        forget_bias = convert_to_tensor(self._forget_bias, dtype=f.dtype)
        if self._use_peepholes:
            c = (sigmoid(f + forget_bias + self._w_f_diag * c_prev) * c_prev
                 + sigmoid(i + self._w_i_diag * c_prev) * act(j))
        else:
            c = sigmoid(f + forget_bias) * c_prev + sigmoid(i) * act(j)
        if self._cell_clip is not None:
            c = clip_by_value(c, -self._cell_clip, self._cell_clip)
        if self._use_peepholes:
            m = sigmoid(o + self._w_o_diag * c) * act(c)
        else:
            m = sigmoid(o) * act(c)
        if self._num_proj is not None:
            m = matmul(m, self._proj_kernel)
            if self._proj_clip is not None:
                m = clip_by_value(m, -self._proj_clip, self._proj_clip)
        new_state = LSTMStateTuple(c, m) if self._state_is_tuple else concat([c, m], 1)
        return m, new_state


class MultiRNNCell(RNNCell):
    """Cells stacked in layers 'cell_0', 'cell_1', ... (TF1 `MultiRNNCell`)."""

    def __init__(self, cells, state_is_tuple=True):
        super().__init__()
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        self._cells = list(cells)
        self._state_is_tuple = state_is_tuple

    @property
    def state_size(self):
        sizes = tuple(cell.state_size for cell in self._cells)
        return sizes if self._state_is_tuple else sum(sizes)

    output_size = property(lambda self: self._cells[-1].output_size)

    def zero_state(self, batch_size, dtype):
        if self._state_is_tuple:
            with name_scope(type(self).__name__ + "ZeroState"):
                return tuple(cell.zero_state(batch_size, dtype) for cell in self._cells)
        return super().zero_state(batch_size, dtype)

    def call(self, inputs, state):
        cur_inp, new_states, pos = inputs, [], 0
        for i, cell in enumerate(self._cells):
            with vs.variable_scope(f"cell_{i}"):
                if self._state_is_tuple:
                    cur_state = state[i]
                else:
                    cur_state = slice_(state, [0, pos], [-1, cell.state_size])
                    pos += cell.state_size
                cur_inp, new_state = cell(cur_inp, cur_state)
                new_states.append(new_state)
        return cur_inp, tuple(new_states) if self._state_is_tuple else concat(new_states, 1)


class _Wrapper(RNNCell):
    """A cell around another cell; it makes no variable scope of its own, as TF1's wrappers."""

    def __init__(self, cell):
        super().__init__()
        self._cell = cell

    state_size = property(lambda self: self._cell.state_size)
    output_size = property(lambda self: self._cell.output_size)

    def zero_state(self, batch_size, dtype):
        return self._cell.zero_state(batch_size, dtype)


def _should_dropout(p):
    return not (isinstance(p, (int, float)) and p == 1)


class DropoutWrapper(_Wrapper):
    """Dropout on a cell's inputs, outputs and state (TF1 `DropoutWrapper`); an LSTM's memory c
    is never dropped, as TF's default state filter.

    Differs from TF: variational_recurrent=True is not implemented."""

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0,
                 variational_recurrent=False, input_size=None, dtype=None, seed=None,
                 dropout_state_filter_visitor=None):
        super().__init__(cell)
        if variational_recurrent:
            raise NotImplementedError("graphgrad's DropoutWrapper has no variational_recurrent.")
        for p in (input_keep_prob, output_keep_prob, state_keep_prob):
            if isinstance(p, (int, float)) and not 0 < p <= 1:
                raise ValueError(f"Parameter keep_prob must be between 0 and 1: {p}")
        self._input_keep_prob = input_keep_prob
        self._output_keep_prob = output_keep_prob
        self._state_keep_prob = state_keep_prob
        self._seed = seed
        self._filter = dropout_state_filter_visitor or _default_state_filter

    def _dropout(self, values, salt, keep_prob, keep=None):
        seed = None if self._seed is None else self._seed + salt
        flat = flatten(values)
        keep = flatten(keep) if keep is not None else [True] * len(flat)
        out = [dropout(v, keep_prob, seed=seed) if k else v for v, k in zip(flat, keep)]
        return pack_sequence_as(values, out)

    def __call__(self, inputs, state, scope=None):
        if _should_dropout(self._input_keep_prob):
            inputs = self._dropout(inputs, 1, self._input_keep_prob)
        output, new_state = self._cell(inputs, state, scope=scope)
        if _should_dropout(self._state_keep_prob):
            new_state = self._dropout(new_state, 2, self._state_keep_prob,
                                      map_structure_state(self._filter, new_state))
        if _should_dropout(self._output_keep_prob):
            output = self._dropout(output, 3, self._output_keep_prob)
        return output, new_state


def _default_state_filter(substate):
    # An LSTM's c is never dropped (TF1's default dropout_state_filter_visitor).
    if isinstance(substate, LSTMStateTuple):
        return LSTMStateTuple(c=False, h=True)
    return True


def map_structure_state(visitor, state):
    """The keep/drop mask for `state`: the visitor decides at each LSTMStateTuple or leaf."""
    if isinstance(state, LSTMStateTuple):
        return visitor(state)
    if isinstance(state, (tuple, list)):
        return type(state)(map_structure_state(visitor, s) for s in state)
    return visitor(state)


class ResidualWrapper(_Wrapper):
    """output = cell output + inputs (TF1 `ResidualWrapper`)."""

    def __init__(self, cell, residual_fn=None):
        super().__init__(cell)
        self._residual_fn = residual_fn

    def __call__(self, inputs, state, scope=None):
        output, new_state = self._cell(inputs, state, scope=scope)
        if self._residual_fn is not None:
            return self._residual_fn(inputs, output), new_state
        res = map_structure(lambda i, o: i + o, inputs, output)
        return res, new_state


__all__ = ["RNNCell", "LayerRNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell",
           "MultiRNNCell", "DropoutWrapper", "ResidualWrapper", "LSTMStateTuple"]
