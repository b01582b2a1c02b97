"""The accountant's workbook: layout, reading and writing it, and the operations on it."""
