"""Rows for the source, variable, control-flow and py_func ops (stateful: tested elsewhere)."""
from .harness import Case

STATE_CASES = [
    Case("Const", tested_by="tests/test_session.py"),
    Case("Placeholder", tested_by="tests/test_session.py"),
    Case("VariableV2", tested_by="tests/test_variables.py"),
    Case("Assign", tested_by="tests/test_variables.py"),
    Case("AssignAdd", tested_by="tests/test_variables.py"),
    Case("AssignSub", tested_by="tests/test_variables.py"),
    Case("IsVariableInitialized", tested_by="tests/test_variables.py"),
    Case("InitializedValue", tested_by="tests/test_variables.py"),
    Case("NoOp", tested_by="tests/test_variables.py"),
    Case("PyFunc", tested_by="tests/test_py_func.py"),
    Case("PyFuncStateless", tested_by="tests/test_py_func.py"),
    Case("MPIAllreduce", tested_by="tests/test_distributed.py"),
    Case("MPIBroadcast", tested_by="tests/test_distributed.py"),
    Case("If", tested_by="tests/test_cond.py"),
    Case("While", tested_by="tests/test_while_loop.py"),
    Case("WhileGrad", tested_by="tests/test_while_loop.py"),
]
