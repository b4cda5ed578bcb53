"""``python -m load``: see :mod:`load`."""

import sys

from load import main

sys.exit(main())
