"""Operation: a node of the graph, with its inputs, outputs, attrs and where the user created it."""
import os
import sys

from . import tensor as _tensor

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def user_location():
    """(file, line, function) of the first stack frame outside graphgrad, or None."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(_PACKAGE_DIR) or os.sep + "examples" + os.sep in filename:
            return (filename, frame.f_lineno, frame.f_code.co_name)
        frame = frame.f_back
    return None


class Operation:
    """A graph node: `type`, `name`, `inputs`, `outputs`, `control_inputs`, `attrs`, `location`."""

    def __init__(self, graph, opdef, name, inputs, attrs, control_inputs, location, op_id):
        self.graph = graph
        self.opdef = opdef
        self.type = opdef.type
        self.name = name
        self._inputs = tuple(inputs)
        self.attrs = attrs
        self._control_inputs = list(control_inputs)
        self.location = location
        self._id = op_id
        self.outputs = []
        self.device = graph._device_stack[-1] if graph._device_stack else ""

    @property
    def inputs(self):
        return self._inputs

    @property
    def control_inputs(self):
        return list(self._control_inputs)

    @property
    def values(self):
        return tuple(self.outputs)

    @property
    def node_def(self):
        return {"name": self.name, "op": self.type, "input": [t.name for t in self._inputs]
                + ["^" + c.name for c in self._control_inputs], "attr": dict(self.attrs)}

    def get_attr(self, name):
        if name not in self.attrs:
            raise ValueError(f"Operation '{self.name}' has no attr named '{name}'.")
        return self.attrs[name]

    def _add_control_input(self, op):
        if op not in self._control_inputs:
            self._control_inputs.append(op)

    def run(self, feed_dict=None, session=None):
        """Runs this op in the default (or given) session."""
        _tensor.find_session(session, "execute operation", "run").run(self, feed_dict)

    def __repr__(self):
        ins = ", ".join(t.name for t in self._inputs)
        return f"<tf.Operation '{self.name}' type={self.type} inputs=[{ins}]>"

    def __str__(self):
        return repr(self)
