Attribute VB_Name = "ThisWorkbook"
' ims_xl: the code of the add-in's ThisWorkbook module. The build keeps the Attribute lines of
' the Excel-made ThisWorkbook module (xlwings' quickstart add-in) and adds the lines below.
Option Explicit

Private Sub Workbook_Open()
    ' Function-wizard help (descriptions, the category "IMS Bills of Entry", argument help) for
    ' the worksheet functions. Registered each time the add-in opens: the add-in is never saved,
    ' and Application.MacroOptions needs no trust setting. Generated: IMSFunctionHelp.
    IMS_RegisterFunctionHelp
End Sub
