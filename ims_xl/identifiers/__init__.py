"""Identifiers on a Bill of Entry, one small module each (python-stdnum's style).

Every module offers ``compact``, ``validate`` (returns the compact form or raises a
:class:`stdnum.exceptions.ValidationError` subclass), ``is_valid`` (never raises) and
``problem`` (``None``, or one plain sentence saying what is wrong and what to do: these
sentences are shown in Excel cells and CLI messages).

>>> from ims_xl.identifiers import boe_number, gstin, iec, port_code
>>> gstin.validate(" 27aapfu0939f1zv "), port_code.compact("innsa 1")
('27AAPFU0939F1ZV', 'INNSA1')
>>> boe_number.validate(2566282.0), iec.is_valid("AAPFU0939F")
('2566282', True)
"""

from __future__ import annotations

from . import boe_number, gstin, iec, port_code

__all__ = ["boe_number", "gstin", "iec", "port_code"]
