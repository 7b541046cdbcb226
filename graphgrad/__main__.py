"""`python -m graphgrad` runs the demo (graphgrad/demo.py)."""
import sys

from .demo import main

sys.exit(main())
