Attribute VB_Name = "IMSRibbon"
Option Explicit

' ims_xl ribbon dispatcher.
'
' Every button of the "IMS - Bill of Entry" ribbon tab (customUI.xml) calls IMS_OnAction.
' The button's tag names the action; Python (ims_xl.ribbon.dispatch) decides what it does.
' Adding a button means adding it to customUI.xml and to the Python dispatch table:
' this module does not change.
'
' RunPython comes from the xlwings module of this add-in (xlwings' custom add-in VBA).

Public Sub IMS_OnAction(control As IRibbonControl)
    Dim actionTag As String
    actionTag = control.Tag
    ' Tags come from our own customUI.xml. Accept only a-z, 0-9 and _ so that a tag can never
    ' break out of the Python string literal below.
    If Len(actionTag) = 0 Or actionTag Like "*[!a-z0-9_]*" Then
        MsgBox "This ribbon button has an invalid action tag: '" & actionTag & "'", vbExclamation, "ims_xl"
        Exit Sub
    End If
    RunPython "import ims_xl.ribbon; ims_xl.ribbon.dispatch('" & actionTag & "')"
End Sub
