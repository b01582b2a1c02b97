"""The shared rules module (rules.md): every surface calls :func:`evaluate`.

Where to find each rule:

- action words and the action in force: :mod:`ims_xl.actions`, :mod:`.timeline`
- which actions count (Reject policy, before IMS), duplicates, another GSTIN's versions and
  moved versions (GSTIN amendments), the section 16(4) clock: :mod:`.engine`
- deemed acceptance, pending carry-forward, supersession, pending limits: :mod:`.walk`
- ITC effect, differentials and the period figures (GSTR-2B, 3B 4(A)(1) and 4(B)(2)): :mod:`.credit`
- checks on identifiers, dates and amounts: :mod:`.checks`
- the calendar (``G``, ``D``, ``F``, ``C``, ``S``, section 16(4)): :mod:`ims_xl.gst_calendar`
- message codes and their sentences: :mod:`ims_xl.messages`
- the figures if nothing more is done (the same evaluation, as of ``G(P)``): :mod:`.nothing_more`

It implements rules.md version :data:`ims_xl.models.RULES_VERSION` (2.0). Nothing here
imports xlwings or openpyxl.
"""

from .engine import evaluate

__all__ = ["evaluate"]
