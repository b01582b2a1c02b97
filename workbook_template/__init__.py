"""The workbook template and the Excel add-in build."""
