"""Pure array functions f(xp, *arrays, **attrs); xp is numpy or cupy. No graph here."""
