"""Every registered op has a row here (one list per op family, gathered into CASES)."""
from .cases_array import ARRAY_CASES
from .cases_conv import CONV_CASES
from .cases_debug import DEBUG_CASES
from .cases_embedding import EMBEDDING_CASES
from .cases_image import IMAGE_CASES
from .cases_input import INPUT_CASES
from .cases_math import MATH_CASES
from .cases_nn import NN_CASES
from .cases_state import STATE_CASES
from .cases_tf_compat import TF_COMPAT_CASES
from .cases_train import TRAIN_CASES

CASES = MATH_CASES + ARRAY_CASES + NN_CASES + STATE_CASES + TRAIN_CASES + DEBUG_CASES + CONV_CASES
CASES += EMBEDDING_CASES
CASES += INPUT_CASES
CASES += IMAGE_CASES
CASES += TF_COMPAT_CASES
