"""``python -m workbook_template.addin build --out DIR`` / ``... install [XLAM]``."""

import sys

from .build import main

sys.exit(main())
