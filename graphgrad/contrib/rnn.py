"""`tf.contrib.rnn` (TF1): the recurrent cells and loops. Re-exports only."""
# ruff: noqa: F401
from ..ops.rnn import bidirectional_dynamic_rnn, static_bidirectional_rnn, static_rnn
from ..ops.rnn_cell import (
    BasicLSTMCell,
    BasicRNNCell,
    DropoutWrapper,
    GRUCell,
    LayerRNNCell,
    LSTMCell,
    LSTMStateTuple,
    MultiRNNCell,
    ResidualWrapper,
    RNNCell,
)

