"""ims-xl: Bills of Entry on the GST portal's Invoice Management System (IMS), in Excel.

The rules live in :mod:`ims_xl.rules`; every surface (worksheet functions, ribbon macros,
the command line, the JSON engine) calls them, so they can never disagree.
"""

__version__ = "0.1.0"
