"""Allow ``python -m ims_xl``."""
import sys

from .cli import main

sys.exit(main())
