"""Excel worksheet functions (xlwings UDFs): thin wrappers over ims_xl.rules."""
