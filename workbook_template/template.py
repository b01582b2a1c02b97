"""Build the ims-xl workbook template with openpyxl (no Excel needed).

Deterministic: the same arguments give the same sheets, cells, tables, names and formats.
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from ims_xl.actions import ACTION_CHOICES
from ims_xl.atomic import atomic_path
from ims_xl.models import GSTR2B_SECTIONS, Status
from ims_xl.workbook import formulas as F
from ims_xl.workbook.layout import (ACCOUNTANT_COLUMNS, ACTIONS_SINCE_RECOMPUTE_NAME,
                                    ANNUAL_RETURNS, BOE, DATE, FETCH, FILED_3B, GENERATED_2B,
                                    LISTS_SHEET, MONEY, PERIOD_LIST_NAME,
                                    PERIOD_NAME, PERIODS_3B, SETTINGS_FIRST_ROW, SETTINGS_NAMES,
                                    SETTINGS_RANGE, SETTINGS_RANGE_NAME, SHEETS, TABLES,
                                    TEMPLATE_VERSION, TEXT, TableSpec)

from ims_xl.workbook import styles as S
from ims_xl.workbook.print_setup import FOOTER, LINE_HEIGHT, PAGES, PAPER_A4, wrapped_lines

__all__ = ["new_workbook", "build_template"]

FIXED_TIME = datetime(2025, 10, 1)  # document properties: fixed, so builds compare equal
MAX_ROW = 1048576
SETTINGS_TABLE_ROWS = 400   # the Settings tables' input checks reach this row

INSTRUCTIONS = (
    "What to do this month (before the 14th, when GSTR-2B is generated). Each step names the "
    "ribbon button (IMS - Bill of Entry tab) and the same step on the command line:",
    "1. Load data (ims-xl load WB --gstr2b FILE --books FILE --boe-list FILE): before the 14th "
    "the GSTR-2A or the IMS view, after it the GSTR-2B; your purchase register (books); the "
    "customs broker's BoE list if you have it.",
    "2. Recompute 2B/3B (ims-xl recompute WB): every BoE gets a Match (the three-way match) and "
    "a Suggested Action.",
    "3. On the BoE sheet, choose an Action for each BoE: Accept when it matches; Keep Pending "
    "when goods are in transit, in a bonded warehouse or under quality check.",
    "4. Recompute 2B/3B again (ims-xl recompute WB): Status, 2B Period and ITC show what "
    "GSTR-2B and GSTR-3B will hold. Rows in red have errors; yellow rows are near the cutoff.",
    "5. Export actions (ims-xl export WB --period P --actions-csv FILE) and take them to IMS on "
    "the portal; Export 3B (ims-xl export WB --period P --gstr3b-json FILE) for Table 4.",
    "A BoE left without action is deemed accepted when GSTR-2B is generated.",
    "Missing BoEs: list them on the Fetch BoE sheet (port code, BoE number, BoE date and "
    "reference date, all four needed by the portal), then Fetch BoE (ims-xl fetch WB).",
    "A wrong turn? Restore (ims-xl restore WB --list) puts back the workbook as it was before "
    "an earlier change.",
)

# The period under review in words, whatever the locale: "November 2025 (112025)".
PERIOD_IN_WORDS = (
    f'=IF({PERIOD_NAME}="","",CHOOSE(VALUE(LEFT({PERIOD_NAME},2)),"January","February",'
    '"March","April","May","June","July","August","September","October","November",'
    f'"December")&" "&RIGHT({PERIOD_NAME},4)&" ("&{PERIOD_NAME}&")")')


def new_workbook(gstin: str | None = None, filing: str = "monthly") -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for name in SHEETS:
        wb.create_sheet(name)
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    wb.properties.creator = "ims-xl"
    wb.properties.title = "Bills of Entry in IMS"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.keywords = f"ims-xl template {TEMPLATE_VERSION}"

    _lists(lists)
    _settings(wb, gstin, filing)
    for spec in TABLES.values():
        if spec.sheet != "Settings" and spec.name != "Periods3B":
            _table(wb[spec.sheet], spec)
    _boe_sheet(wb["BoE"])
    _fetch_sheet(wb["Fetch BoE"])
    _gstr2b(wb)
    _gstr3b(wb)
    _start(wb)
    _print_setup(wb)
    _fetch_note_shows(wb["Fetch BoE"])
    _hide_columns(wb["BoE"])
    _stale_notices(wb)
    for ws in wb.worksheets:
        money = _money_ranges(ws)
        if money:
            S.add_lakh_crore_formats(ws, " ".join(money))
    wb.active = 0
    return wb


def build_template(path: str | Path, gstin: str | None = None, filing: str = "monthly") -> Path:
    """Write a new, empty ims-xl workbook to ``path`` (atomically)."""
    path = Path(path)
    wb = new_workbook(gstin, filing)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


# --- pieces -------------------------------------------------------------------------------

def _name(wb: Workbook, name: str, ref: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=ref)


def _table(ws, spec: TableSpec, rows: int = 1) -> Table:
    """An Excel table with its header, styles and ``rows`` empty body rows."""
    first = ws[spec.origin]
    r0, c0 = first.row, first.column
    for j, col in enumerate(spec.columns):
        cell = ws.cell(r0, c0 + j, col.header)
        S.apply_header_style(cell, col)
        ws.column_dimensions[get_column_letter(c0 + j)].width = col.width
        for i in range(1, rows + 1):
            S.apply_body_style(ws.cell(r0 + i, c0 + j), col,
                               accountant=spec is BOE and col.header in ACCOUNTANT_COLUMNS)
    # two lines for every header: "Suggested Action", "Reference Date" fit their columns
    ws.row_dimensions[r0].height = max(ws.row_dimensions[r0].height or 0, 30)
    last = f"{get_column_letter(c0 + len(spec.columns) - 1)}{r0 + rows}"
    table = Table(displayName=spec.name, ref=f"{spec.origin}:{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=False)
    ws.add_table(table)
    return table


def _money_ranges(ws) -> list[str]:
    """Every money cell of the sheet: each money column of its tables down to the sheet's
    last row (rows the writers add later are covered, and a growing table moves nothing the
    rules cover only in part), then the single money cells outside them."""
    ranges, columns = [], set()
    for spec in TABLES.values():
        if spec.sheet != ws.title:
            continue
        first = ws[spec.origin]
        for j, col in enumerate(spec.columns):
            if col.kind == "money":
                letter = get_column_letter(first.column + j)
                ranges.append(f"{letter}{first.row + 1}:{letter}{MAX_ROW}")
                columns.add((first.column + j, first.row))
    for row in ws.iter_rows():
        for cell in row:
            in_table = any(c == cell.column and cell.row > r for c, r in columns)
            if cell.number_format == MONEY and not in_table:
                ranges.append(cell.coordinate)
    return ranges


def _col(spec: TableSpec, header: str) -> str:
    return get_column_letter(spec.index(header) + 1)


def _lists(ws) -> None:
    ws["A1"] = "Periods"
    ws["B1"] = "Actions"
    for i, word in enumerate(ACTION_CHOICES, start=2):
        ws.cell(i, 2, word)
    ws["A2"].number_format = TEXT
    wb = ws.parent
    _name(wb, PERIOD_LIST_NAME, f"'{LISTS_SHEET}'!$A$2:$A$2")


SETTINGS_HEADERS = ("Setting", "Value", "Default", "What it means")
# What the dropdown says when its cell is selected (Excel shows at most 255 characters).
SETTING_PROMPTS = {
    "IMS_REJECT_POLICY": "block: the portal has no Reject for a BoE, so a Reject is refused. "
                         "warn / allow: a Reject with a remark is honoured.",
    "IMS_PENDING_LIMIT": "none: Keep Pending holds until you act. one_period: until the next "
                         "period's GSTR-3B. section_16_4: until 30 November after the year "
                         "(or the annual return).",
    "IMS_START": "The first period IMS handles, as MMYYYY text: 102025 for October 2025.",
}
TABLES_NOTE = (
    "The tables on the right. Filed3B: the day you filed each period's GSTR-3B (without it, a "
    "period counts as filed on its due date). Generated2B: a GSTR-2B date other than the 14th. "
    "AnnualReturns: the day you filed each financial year's annual return (GSTR-9), the year "
    "written 2025-26; the pending limit section_16_4 uses it. Type below a table's last row "
    "and it grows.")
FUNCTIONS_NOTE = (
    "The worksheet functions (BOE_STATUS, BOE_TABLE, ...) follow these settings when given the "
    "name IMS_SETTINGS as their last argument, for example "
    "=BOE_STATUS(N2,F2,IMS_AS_OF,P2,IMS_SETTINGS); without it they use the defaults above.")


def _settings(wb: Workbook, gstin: str | None, filing: str) -> None:
    ws = wb["Settings"]
    ws["A1"] = "Settings"
    ws["A1"].font = S.TITLE_FONT
    ws["A2"] = ("Type in the yellow cells; a blank cell means the default. Each value has a "
                "defined name (IMS_GSTIN, IMS_START, ...).")
    ws["A2"].font = S.NOTE_FONT
    for col, width in zip("ABCDEHK", (30, 18, 11, 84, 3, 3, 3)):
        ws.column_dimensions[col].width = width
    top = SETTINGS_FIRST_ROW - 1
    for j, header in enumerate(SETTINGS_HEADERS, start=1):
        cell = ws.cell(top, j, header)
        cell.font = S.HEADER_FONT
        cell.fill = S.HEADER_FILL
        cell.alignment = S.WRAP
    for i, setting in enumerate(SETTINGS_NAMES):
        row = SETTINGS_FIRST_ROW + i
        _setting_row(ws, row, setting, gstin, filing)
    last = SETTINGS_FIRST_ROW + len(SETTINGS_NAMES) - 1
    for row, text in ((last + 2, TABLES_NOTE), (last + 3, FUNCTIONS_NOTE)):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        cell = ws.cell(row, 1, text)
        cell.font = S.NOTE_FONT
        cell.alignment = S.WRAP
        width = sum(ws.column_dimensions[c].width for c in "ABCD")   # merged A:D
        ws.row_dimensions[row].height = _wrapped_height(text, width)
    _name(wb, SETTINGS_RANGE_NAME, SETTINGS_RANGE)
    titles = {FILED_3B: "GSTR-3B filed", GENERATED_2B: "GSTR-2B generated",
              ANNUAL_RETURNS: "Annual return filed"}
    for spec, title in titles.items():
        _table(ws, spec)
        above = ws[spec.origin].offset(row=-1)
        above.value = title
        above.font = S.LABEL_FONT
        for j in range(len(spec.columns)):   # the body row: the accountant types here
            ws[spec.origin].offset(row=1, column=j).fill = S.INPUT_FILL
    _date_column(ws, FILED_3B, "Filed on")
    _date_column(ws, GENERATED_2B, "Generated on")
    _date_column(ws, ANNUAL_RETURNS, "Filed on")
    _financial_year_column(ws)
    _period_column(ws, FILED_3B)
    _period_column(ws, GENERATED_2B)


def _setting_row(ws, row: int, setting, gstin: str | None, filing: str) -> None:
    """Label, the yellow value cell with its defined name and check, default, and note."""
    name = setting.name
    ws.cell(row, 1, setting.label).font = S.LABEL_FONT
    ws.cell(row, 1).alignment = S.WRAP
    value = setting.default
    if name == "IMS_GSTIN" and gstin:
        value = gstin
    if name == "IMS_FILING":
        value = filing
    cell = ws.cell(row, 2, value)
    cell.fill = S.INPUT_FILL
    cell.protection = S.UNLOCKED
    cell.border = S.BOX
    cell.alignment = S.TOP_LEFT
    if name == "IMS_AS_OF":
        cell.number_format = DATE
    elif name == "IMS_TOLERANCE":
        cell.value = 1
        cell.number_format = MONEY
    elif name == "IMS_CUTOFF_DAYS":
        cell.number_format = "0"
    else:
        cell.number_format = TEXT
    shown = setting.shown_default if setting.shown_default is not None else setting.default
    default = ws.cell(row, 3, str(shown))   # text: the Default column is read, never used
    default.number_format = TEXT
    default.font = S.NOTE_FONT
    default.alignment = S.TOP_LEFT
    note = ws.cell(row, 4, setting.note)
    note.alignment = S.WRAP
    ws.row_dimensions[row].height = _wrapped_height(setting.note, ws.column_dimensions["D"].width)
    check = _setting_check(setting, cell.coordinate)
    if check is not None:
        ws.add_data_validation(check)
        check.add(cell.coordinate)
    _name(ws.parent, name, f"Settings!$B${row}")


def _wrapped_height(text: str, width: float) -> float:
    """A row height (points) that shows ``text`` wrapped in a column ``width`` characters wide:
    Excel does not grow a row for wrapped text that openpyxl wrote."""
    return LINE_HEIGHT * wrapped_lines(text, width)


def _setting_check(setting, ref: str) -> DataValidation | None:
    """The value cell's dropdown or check, with the prompt Excel shows on selecting it."""
    prompt = SETTING_PROMPTS.get(setting.name)
    common = dict(allow_blank=True, showErrorMessage=True, errorTitle=setting.label,
                  promptTitle=setting.label if prompt else None, prompt=prompt,
                  showInputMessage=bool(prompt))
    if setting.allowed:
        return DataValidation(type="list", formula1='"' + ",".join(setting.allowed) + '"',
                              error="Choose one of: " + ", ".join(setting.allowed), **common)
    if setting.name == "IMS_START":
        # six characters: a month 01-12, then a year; the cell is text, so 012026 keeps its 0
        formula = (f'AND(LEN({ref})=6,ISNUMBER(-{ref}),VALUE(LEFT({ref},2))>=1,'
                   f'VALUE(LEFT({ref},2))<=12,VALUE(RIGHT({ref},4))>=2017)')
        return DataValidation(type="custom", formula1=formula,
                              error="Type the period as MMYYYY, such as 102025 (October 2025).",
                              **common)
    if setting.name == "IMS_AS_OF":
        return DataValidation(type="date", operator="greaterThan", formula1="36526",
                              error="Type a date (DD-MM-YYYY), or leave blank for today.",
                              **common)
    if setting.name == "IMS_CUTOFF_DAYS":
        return DataValidation(type="whole", operator="between", formula1="0", formula2="60",
                              error="Type a number of days, such as 3.", **common)
    return None


def _table_column(spec: TableSpec, header: str) -> str:
    """The sheet column letter of a table's column (tables may start right of column A)."""
    first = column_index_from_string("".join(c for c in spec.origin if c.isalpha()))
    return get_column_letter(first + spec.index(header))


def _body(spec: TableSpec, header: str) -> str:
    col = _table_column(spec, header)
    first = int("".join(c for c in spec.origin if c.isdigit())) + 1
    return f"{col}{first}:{col}{SETTINGS_TABLE_ROWS}"


def _date_column(ws, spec: TableSpec, header: str) -> None:
    check = DataValidation(type="date", operator="greaterThan", formula1="36526",
                           allow_blank=True, showErrorMessage=True, errorTitle=header,
                           error="Type a date (DD-MM-YYYY).")
    ws.add_data_validation(check)
    check.add(_body(spec, header))


def _period_column(ws, spec: TableSpec) -> None:
    ref = _body(spec, "Period")
    top = ref.split(":")[0]
    check = DataValidation(type="custom", allow_blank=True, showErrorMessage=True,
                           formula1=f"AND(LEN({top})=6,ISNUMBER(-{top}))", errorTitle="Period",
                           error="Type the period as MMYYYY, such as 112025.")
    ws.add_data_validation(check)
    check.add(ref)


def _financial_year_column(ws) -> None:
    ref = _body(ANNUAL_RETURNS, "Financial Year")
    top = ref.split(":")[0]
    # 2025-26: four digits, a hyphen, and the next year's last two digits
    formula = (f'AND(LEN({top})=7,MID({top},5,1)="-",ISNUMBER(-LEFT({top},4)),'
               f'ISNUMBER(-RIGHT({top},2)),'
               f'MOD(VALUE(LEFT({top},4))+1,100)=VALUE(RIGHT({top},2)))')
    check = DataValidation(type="custom", formula1=formula, allow_blank=True,
                           showErrorMessage=True, errorTitle="Financial Year",
                           error="Write the financial year as YYYY-YY, such as 2025-26.",
                           promptTitle="Financial Year", showInputMessage=True,
                           prompt="The financial year (April-March) as YYYY-YY, such as "
                                  "2025-26, and in Filed on the day its annual return was filed.")
    ws.add_data_validation(check)
    check.add(ref)


def _boe_sheet(ws) -> None:
    ws.freeze_panes = "E2"
    ws.row_dimensions[1].height = 30
    action = _col(BOE, "Action")
    dv = DataValidation(type="list", formula1='"' + ",".join(ACTION_CHOICES) + '"',
                        allow_blank=True, showErrorMessage=True, errorTitle="Action",
                        error="Choose Accept, Keep Pending or Reject (or leave blank for "
                              "no action).", promptTitle="Action",
                        prompt="Accept / Keep Pending / Reject; blank = no action (deemed "
                               "accepted on the 14th)", showInputMessage=True)
    ws.add_data_validation(dv)
    dv.add(f"{action}2:{action}{MAX_ROW}")
    date_col = _col(BOE, "Action Date")
    ddv = DataValidation(type="date", operator="greaterThan", formula1="36526",
                         allow_blank=True, showErrorMessage=True, errorTitle="Action Date",
                         error="Type a date (DD-MM-YYYY), or leave blank for today.")
    ws.add_data_validation(ddv)
    ddv.add(f"{date_col}2:{date_col}{MAX_ROW}")
    for header, values in (("Section", ("IMPG", "IMPGSEZ")), ("Amendment", ("No", "Yes"))):
        col = _col(BOE, header)
        v = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        ws.add_data_validation(v)
        v.add(f"{col}2:{col}{MAX_ROW}")

    last = get_column_letter(len(BOE.columns))
    whole = f"A2:{last}{MAX_ROW}"
    msgs, status = _col(BOE, "Messages"), _col(BOE, "Status")
    ws.conditional_formatting.add(whole, FormulaRule(
        formula=[f'LEFT(${msgs}2,5)="ERROR"'], fill=S.ERROR_FILL, stopIfTrue=True))
    ws.conditional_formatting.add(whole, FormulaRule(
        formula=[f'ISNUMBER(SEARCH("CUTOFF_NEAR",${msgs}2))'], fill=S.CUTOFF_FILL,
        stopIfTrue=True))
    ws.conditional_formatting.add(whole, FormulaRule(
        formula=[f'${status}2="Pending"'], fill=S.PENDING_FILL))
    for col in BOE.columns:
        if col.computed:
            cell = ws.cell(1, BOE.index(col.header) + 1)
            cell.comment = Comment("Computed by Recompute: do not type here.", "ims-xl")


def _fetch_sheet(ws) -> None:
    ws.freeze_panes = "A2"
    ws["H1"] = ("List BoEs missing from IMS: port code, BoE number, BoE date and reference date "
                "(the portal's Search BoE needs all four; the reference date is on the Bill of "
                "Entry, and Fetch takes it from the BoE list where the list has the BoE). Fetch "
                "checks the rows as the portal does and fills what the BoE list can supply; take "
                "the rest to Search BoE, 10 per batch.")
    ws["H1"].alignment = S.WRAP
    ws["H1"].font = S.NOTE_FONT
    ws.column_dimensions["H"].width = 60
    assert FETCH.origin == "A1"


def _title(ws, text: str, note: str = "") -> None:
    ws["A1"] = text
    ws["A1"].font = S.TITLE_FONT
    if note:
        ws["A2"] = note
        ws["A2"].font = S.NOTE_FONT


def _money_cell(ws, ref: str, formula: str) -> None:
    ws[ref] = "=" + formula
    ws[ref].number_format = MONEY
    ws[ref].fill = S.COMPUTED_FILL
    ws[ref].border = S.BOX


def _count_cell(ws, ref: str, formula: str) -> None:
    ws[ref] = "=" + formula
    ws[ref].number_format = "0"
    ws[ref].fill = S.COMPUTED_FILL
    ws[ref].border = S.BOX


def _header_row(ws, row: int, labels: tuple[str, ...]) -> None:
    for j, label in enumerate(labels, start=1):
        cell = ws.cell(row, j, label)
        cell.font = S.HEADER_FONT
        cell.fill = S.HEADER_FILL
        cell.alignment = S.WRAP


def _gstr2b(wb: Workbook) -> None:
    ws = wb["GSTR-2B"]
    _title(ws, "GSTR-2B: import of goods",
           "Figures for the period chosen below, from the BoE sheet's computed columns.")
    ws.column_dimensions["A"].width = 34
    for col in "BCDE":
        ws.column_dimensions[col].width = 16
    ws["A3"] = "Period (MMYYYY)"
    ws["A3"].font = S.LABEL_FONT
    sel = ws["B3"]
    sel.number_format = TEXT
    sel.fill = S.INPUT_FILL
    sel.border = S.BOX
    sel.protection = S.UNLOCKED
    dv = DataValidation(type="list", formula1=PERIOD_LIST_NAME, allow_blank=True,
                        showErrorMessage=True, errorTitle="Period",
                        error="Choose a period present in the BoE sheet (run Recompute to "
                              "refresh the list).")
    ws.add_data_validation(dv)
    dv.add("B3")
    _name(wb, PERIOD_NAME, "'GSTR-2B'!$B$3")
    P = PERIOD_NAME
    _header_row(ws, 5, ("Section (ITC available)", "Count", "Taxable Value", "IGST", "Cess"))
    for i, section in enumerate(GSTR2B_SECTIONS, start=6):
        crit = F.section_criteria(section)
        ws.cell(i, 1, section).font = S.LABEL_FONT
        _count_cell(ws, f"B{i}", F.credited("COUNTIFS", None, P, crit))
        _money_cell(ws, f"C{i}", F.gstr2b_taxable_value(P, section))
        _money_cell(ws, f"D{i}", F.credited("SUMIFS", "ITC IGST", P, crit))
        _money_cell(ws, f"E{i}", F.credited("SUMIFS", "ITC Cess", P, crit))
    ws["A10"] = "Total"
    ws["A10"].font = S.LABEL_FONT
    _count_cell(ws, "B10", "SUM(B6:B9)")
    for col in "CDE":
        _money_cell(ws, f"{col}10", f"SUM({col}6:{col}9)")
    _header_row(ws, 12, ("Other figures", "Count", "", "IGST", "Cess"))
    ws["A13"] = "ITC rejected (Reject in this period)"
    _count_cell(ws, "B13", F.rejected("COUNTIFS", None, P))
    _money_cell(ws, "D13", F.rejected("SUMIFS", "IGST", P))
    _money_cell(ws, "E13", F.rejected("SUMIFS", "Cess", P))
    ws["A14"] = "Pending at the close of this period"
    _count_cell(ws, "B14", F.pending("COUNTIFS", None, P))
    _money_cell(ws, "D14", F.pending("SUMIFS", "IGST", P))
    _money_cell(ws, "E14", F.pending("SUMIFS", "Cess", P))
    ws["A16"] = ("IGST and cess are the ITC effects: an amendment counts with its difference "
                 "from the version accepted before it.")
    ws["A17"] = ("A BoE customs moved to another GSTIN (a GSTIN amendment) counts in IMPGA or "
                 "IMPGSEZA with taxable value 0 and its credit reversed (negative IGST and cess); "
                 "a BoE of another GSTIN (Status: Other GSTIN) is left out of every figure.")
    ws.merge_cells("A17:E18")
    for ref in ("A16", "A17"):
        ws[ref].font = S.NOTE_FONT
    ws["A17"].alignment = S.WRAP
    ws.row_dimensions[17].height = ws.row_dimensions[18].height = 15


def _gstr3b(wb: Workbook) -> None:
    ws = wb["GSTR-3B"]
    _title(ws, "GSTR-3B Table 4: import of goods",
           "For the period chosen on the GSTR-2B sheet. Imports carry IGST and cess only.")
    ws.column_dimensions["A"].width = 44
    for col in "BCDEFGHIJK":
        ws.column_dimensions[col].width = 15
    ws["A3"] = "Period (choose it on the GSTR-2B sheet)"
    ws["A3"].font = S.LABEL_FONT
    ws["B3"] = f"={PERIOD_NAME}"
    ws["B3"].number_format = TEXT
    P = PERIOD_NAME
    _header_row(ws, 5, ("Table", "Integrated Tax", "Central Tax", "State/UT Tax", "Cess"))
    ws["A6"] = "4(A)(1) Import of goods"
    ws["A7"] = "4(B)(2) ITC reversed: others"
    # under its label, not beside it: the "If nothing more is done" block is beside
    ws["A8"] = "(re-assessments that lower credit; BoEs moved to another GSTIN)"
    ws["A8"].font = S.NOTE_FONT
    ws.merge_cells("A10:E11")
    ws["A10"] = REVERSAL_NOTE
    ws["A10"].font = S.NOTE_FONT
    ws["A10"].alignment = S.WRAP
    for row in (10, 11):
        ws.row_dimensions[row].height = 27
    ws["A9"] = "Net import credit N(P)"
    for ref in ("A6", "A7", "A9"):
        ws[ref].font = S.LABEL_FONT
    _money_cell(ws, "B9", F.net("ITC IGST", P))
    _money_cell(ws, "E9", F.net("ITC Cess", P))
    _money_cell(ws, "B6", "MAX(0,B9)")
    _money_cell(ws, "E6", "MAX(0,E9)")
    _money_cell(ws, "B7", "MAX(0,-B9)")
    _money_cell(ws, "E7", "MAX(0,-E9)")
    for ref in ("C6", "D6", "C7", "D7"):
        ws[ref] = 0
        ws[ref].number_format = MONEY
    for name, ref in (("IMS_3B_4A1_IGST", "B6"), ("IMS_3B_4A1_CESS", "E6"),
                      ("IMS_3B_4B2_IGST", "B7"), ("IMS_3B_4B2_CESS", "E7")):
        _name(wb, name, f"'GSTR-3B'!${ref[0]}${ref[1:]}")
    _if_nothing_more_block(wb, ws)
    ws["A12"] = "All periods"
    ws["A12"].font = S.TITLE_FONT
    ws["A13"] = "One row per period, refreshed by Recompute; the figures are live formulas."
    ws["A13"].font = S.NOTE_FONT
    _table(ws, PERIODS_3B)
    ws.column_dimensions["A"].width = 46  # the Table 4 labels, wider than the Period column
    ws.row_dimensions[14].height = 30


def _if_nothing_more_block(wb: Workbook, ws) -> None:
    """Beside Table 4 as it stands: Table 4 on the period's GSTR-2B day if nothing more is
    done (issue 14, item 7), summed from the BoE table's hidden "if nothing more" columns that
    Recompute writes (the rules evaluated as of G(P), with no action but those taken). For a
    period whose GSTR-2B is generated, the same figures as they stand, and the heading says so.
    """
    P = PERIOD_NAME
    g = F.gstr2b_date(P)
    to_come = F.gstr2b_still_to_come(P)
    # row 3, beside the period: row 4 is the stale-figures sentence, which needs the width
    ws["C3"] = f'=IF({P}="","","As they stand on "&{F.day_month_year(F.as_of_date())})'
    ws["C3"].font = S.LABEL_FONT
    ws.merge_cells("G3:K4")
    ws["G3"] = (f'=IF({P}="","",IF({to_come},"If nothing more is done by ",'
                f'"GSTR-2B generated on ")&{F.day_month_year(g)}&IF({to_come},'
                '" (GSTR-2B day): every BoE without an action is deemed accepted; Keep Pending '
                'stays pending",": nothing more is deemed accepted; the figures as they stand"))')
    ws["G3"].font = S.LABEL_FONT
    ws["G3"].alignment = S.WRAP
    ws.row_dimensions[4].height = 30   # the heading takes three lines in G3:K4
    for j, label in enumerate(("Integrated Tax", "Cess"), start=7):
        cell = ws.cell(5, j, label)
        cell.font = S.HEADER_FONT
        cell.fill = S.HEADER_FILL
        cell.alignment = S.WRAP
    for col, head in (("G", "IGST"), ("H", "Cess")):
        _money_cell(ws, f"{col}9", F.net_if_nothing_more(head, P))
        _money_cell(ws, f"{col}6", f"MAX(0,{col}9)")
        _money_cell(ws, f"{col}7", f"MAX(0,-{col}9)")
    for name, ref in (("IMS_3B_IF_NOTHING_MORE_4A1_IGST", "G6"),
                      ("IMS_3B_IF_NOTHING_MORE_4A1_CESS", "H6"),
                      ("IMS_3B_IF_NOTHING_MORE_4B2_IGST", "G7"),
                      ("IMS_3B_IF_NOTHING_MORE_4B2_CESS", "H7")):
        _name(wb, name, f"'GSTR-3B'!${ref[0]}${ref[1:]}")


REVERSAL_NOTE = (
    "4(B)(2) is import credit reversed for good: a customs re-assessment that lowers a BoE's "
    "IGST or cess (the amendment's difference), and a BoE customs moved to another GSTIN (a GSTIN "
    "amendment: the credit taken on it). These are permanent reversals, not amounts to reclaim "
    "later through the Electronic Credit Reversal and Re-claimed Statement (ECRS).")


def _start(wb: Workbook) -> None:
    ws = wb["Start"]
    _title(ws, "ims-xl: Bills of Entry in IMS", "Import of goods: IMPG, IMPGSEZ and amendments.")
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 24   # "September 2025 (092025)"
    rows = [
        ("Period under review", PERIOD_IN_WORDS, TEXT),
        ("GSTR-2B generated on (deemed acceptance)", "=" + F.gstr2b_date(PERIOD_NAME), DATE),
        ("As-of date", "=" + F.as_of_date(), DATE),
        ("Days left to the 2B cutoff", '=IF(B5="","",B5-B6)', "0"),
        ("GSTIN", "=IMS_GSTIN", TEXT),
    ]
    for i, (label, formula, fmt) in enumerate(rows, start=4):
        ws.cell(i, 1, label).font = S.LABEL_FONT
        cell = ws.cell(i, 2, formula)
        cell.number_format = fmt
        cell.fill = S.COMPUTED_FILL
        cell.border = S.BOX
    ws["A10"] = "BoEs by status"
    ws["A10"].font = S.TITLE_FONT
    statuses = [s for s in Status]
    for i, status in enumerate(statuses, start=11):
        ws.cell(i, 1, status.label)
        _count_cell(ws, f"B{i}", f'COUNTIF(BoE[Status],"{status.label}")')
    row = 11 + len(statuses)
    ws.cell(row, 1, "Rows with errors").font = S.LABEL_FONT
    _count_cell(ws, f"B{row}", 'SUMPRODUCT(--(LEFT(BoE[Messages],5)="ERROR"))')
    ws.cell(row + 1, 1, "Rows near the 2B cutoff").font = S.LABEL_FONT
    _count_cell(ws, f"B{row + 1}", 'SUMPRODUCT(--ISNUMBER(SEARCH("CUTOFF_NEAR",BoE[Messages])))')
    ws.column_dimensions["D"].width = 100
    for i, line in enumerate(INSTRUCTIONS, start=4):
        cell = ws.cell(i, 4, line)
        cell.alignment = S.WRAP
        height = _wrapped_height(line, ws.column_dimensions["D"].width)
        if height > 15:   # a wrapped line would run into the next one
            ws.row_dimensions[i].height = height
        if i == 4:
            cell.font = S.LABEL_FONT


# --- printing -----------------------------------------------------------------------------

def _print_setup(wb: Workbook) -> None:
    """Every visible sheet prints landscape on A4, one page wide, its header row on every
    page, with the workbook, the sheet and the page in the footer (print_setup.PAGES)."""
    for page in PAGES.values():
        ws = wb[page.sheet]
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = PAPER_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = page.tall
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top, ws.page_margins.bottom = 0.5, 0.6
        ws.page_margins.header, ws.page_margins.footer = 0.3, 0.3
        if page.title_row is not None:
            ws.print_title_rows = f"{page.title_row}:{page.title_row}"
        footer = ws.oddFooter
        footer.left.text, footer.center.text, footer.right.text = (
            FOOTER["left"], FOOTER["center"], FOOTER["right"])
        for part in (footer.left, footer.center, footer.right):
            part.size = 9


def _fetch_note_shows(ws) -> None:
    """The Fetch BoE note beside the table, merged down over as many rows as its wrapped text
    needs (its header row alone would cut it off, on screen and on paper). Column H is
    outside the table: the merge stays where it is when the table grows."""
    note = ws["H1"]
    height = _wrapped_height(note.value, ws.column_dimensions["H"].width)
    first = ws.row_dimensions[1].height or LINE_HEIGHT
    # one row to spare: the italic note font runs wider than body text
    rows = 2 + max(0, math.ceil((height - first) / LINE_HEIGHT))
    if rows > 1:
        ws.merge_cells(f"H1:H{rows}")


# --- stale figures (issue 14, item 6) --------------------------------------------------------
# Where the count of actions typed since the last Recompute lives (its defined name points
# here) and where each sheet says what it means: at the top, above the figures.
STALE_COUNT_LABEL = ("Start", "A9")
STALE_COUNT_CELL = ("Start", "B9")
STALE_SENTENCES = (("Start", "A3"), ("GSTR-2B", "A4"), ("GSTR-3B", "A4"))
STALE_FONT = Font(bold=True, color="9C0006")


def _hide_columns(ws) -> None:
    """The BoE table's hidden columns, written by Recompute and read only by formulas: what the
    accountant's columns held at the last Recompute (the count below) and the credit if
    nothing more is done (the GSTR-3B block)."""
    for col in BOE.columns:
        if col.hidden:
            ws.column_dimensions[_col(BOE, col.header)].hidden = True


def _stale_notices(wb: Workbook) -> None:
    """The count of actions typed since the last Recompute (a native formula, so Excel and
    LibreOffice show it without Python), its defined name, and the sentence that says what
    to do, at the top of the Start, GSTR-2B and GSTR-3B sheets: red while actions wait."""
    sheet, ref = STALE_COUNT_LABEL
    wb[sheet][ref] = "Actions typed since the last Recompute"
    wb[sheet][ref].font = S.LABEL_FONT
    sheet, ref = STALE_COUNT_CELL
    _count_cell(wb[sheet], ref, F.actions_since_recompute())
    _name(wb, ACTIONS_SINCE_RECOMPUTE_NAME, f"{sheet}!${ref[0]}${ref[1:]}")
    for sheet, ref in STALE_SENTENCES:
        ws = wb[sheet]
        ws[ref] = "=" + F.actions_since_recompute_sentence()
        ws[ref].font = S.NOTE_FONT
        ws.conditional_formatting.add(ref, FormulaRule(
            formula=[f"{ACTIONS_SINCE_RECOMPUTE_NAME}>0"], font=STALE_FONT, fill=S.ERROR_FILL))
