"""Workbook rows <-> domain data. Cells arrive as Excel gives them (floats, datetimes,
None, text): they are converted here, at the edge, and problems are named by sheet, row and
column.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .. import dates
from ..identifiers import boe_number as boe_number_id
from ..identifiers import gstin as gstin_id
from ..models import ZERO, BoeVersion, BookLine, PendingLimit, RejectPolicy, Section, Settings
from ..money import to_decimal, to_decimal_or_zero
from ..gst_calendar import financial_year_label, parse_financial_year
from ..periods import Filing, Period
from ..problems import Problem
from .layout import SETTINGS_NAMES

__all__ = ["text", "as_date", "version_key", "boe_identity", "version_from_row", "row_from_version",
           "book_from_row", "row_from_book", "settings_from_names", "financial_year_start", "yes_no"]

Row = dict[str, Any]


def text(value: Any) -> str:
    """A cell as text: integral floats lose their ``.0``, dates become DD-MM-YYYY."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return dates.format_date(value.date())
    if isinstance(value, date):
        return dates.format_date(value)
    return str(value).strip()


def as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return dates.parse_optional_date(value)


def yes_no(value: Any) -> bool:
    return text(value).lower() in ("yes", "y", "true", "1", "a", "amended")


def boe_identity(section: Section, port: str, number: str, boe_date: date | None) -> str:
    when = dates.format_date(boe_date) if boe_date else "no date"
    key_number = boe_number_id.same_boe(number)
    return f"{section.value}/{port.strip().upper()}/{key_number}/{when}"


def _day_text(cache: dict[date, str], day: date) -> str:
    text = cache[day] = dates.format_date(day)
    return text


def version_key(v: BoeVersion, day_text: dict[date, str] | None = None) -> str:
    """A version's identity as the Action Log shows it: the BoE, then which version.

    ``day_text``: a cache of formatted dates, for keying many versions (same text)."""
    if day_text is None:
        ref = dates.format_date(v.ref_date) if v.ref_date else "no ref date"
        kind = "amendment" if v.amendment else "original"
        return f"{boe_identity(v.section, v.port_code, v.boe_number, v.boe_date)} {kind} {ref}"
    boe_date, ref_date = v.boe_date, v.ref_date
    when = (day_text.get(boe_date) or _day_text(day_text, boe_date)) if boe_date else "no date"
    ref = (day_text.get(ref_date) or _day_text(day_text, ref_date)) if ref_date else \
        "no ref date"
    number = boe_number_id.same_boe(v.boe_number)
    return (f"{v.section.value}/{v.port_code.strip().upper()}/{number}/{when} "
            f"{'amendment' if v.amendment else 'original'} {ref}")


def _section(value: Any) -> Section:
    raw = text(value).upper()
    if raw in ("IMPGSEZ", "IMPGSEZA", "SEZ"):
        return Section.IMPGSEZ
    return Section.IMPG


def version_from_row(row: Row, *, vid: str, sheet: str, line: int,
                     problems: list[Problem]) -> BoeVersion:
    """One BoE sheet row as a version; unreadable cells become problems, never exceptions.

    The one reader of a row: a row of plain cells (nearly all) is read by
    :func:`plain_version`, any other cell by cell here, each problem named; both end in
    :func:`_version`, which says once which cell fills which field."""
    fast = plain_version(row, vid)
    if fast is not None:
        return fast
    return _careful_version(row, vid, sheet, line, problems)


def _careful_version(row: Row, vid: str, sheet: str, line: int,
                     problems: list[Problem]) -> BoeVersion:
    def bad(column: str, value: Any, message: str, fix: str) -> None:
        problems.append(Problem(sheet, message, fix, row=line, column=column, value=text(value)))

    def day(column: str) -> date | None:
        value = row.get(column)
        try:
            return as_date(value)
        except ValueError as exc:
            bad(column, value, str(exc), "Type the date as DD-MM-YYYY.")
            return None

    raw_section = text(row.get("Section")).upper()
    if raw_section not in _SECTIONS:
        bad("Section", row.get("Section"), "unknown section", "Use IMPG or IMPGSEZ.")
    amendment = yes_no(row.get("Amendment")) or _SECTIONS.get(raw_section, (None, False))[1]
    number_raw = row.get("BoE No")
    try:
        number = boe_number_id.compact(number_raw)
    except Exception:  # unrecoverable: the rules report BOE_NUMBER_INVALID
        number = text(number_raw)
    period = None
    if text(row.get("Period")):
        try:
            period = Period.parse(text(row.get("Period")))
        except ValueError as exc:
            bad("Period", row.get("Period"), str(exc), "Write the period as MMYYYY.")
    amounts: list[Decimal] = []
    amount_problems = []
    for column, field in (("Taxable Value", "taxable_value"), ("IGST", "igst"), ("Cess", "cess")):
        amount, problem = to_decimal_or_zero(row.get(column))
        amounts.append(amount)
        if problem:
            amount_problems.append((field, text(row.get(column))))
    return _version(vid, _section(raw_section), amendment, text(row.get("Port Code")), number,
                    day("BoE Date"), day("Reference Date"), period, *amounts,
                    text(row.get("Supplier GSTIN")), text(row.get("Supplier Name")),
                    text(row.get("Importer GSTIN")), text(row.get("Source")),
                    tuple(amount_problems))


def _version(vid: str, section: Section, amendment: bool, port: str, number: str,
             boe_date: date | None, ref_date: date | None, period: Period | None,
             taxable: Decimal, igst: Decimal, cess: Decimal, supplier: str, name: str,
             importer: str, source: str, amount_problems: tuple = ()) -> BoeVersion:
    """The version a BoE row holds, its cells read (in PLAIN_COLUMNS order)."""
    return BoeVersion(id=vid, section=section, amendment=amendment, port_code=port,
                      boe_number=number, boe_date=boe_date, ref_date=ref_date, period=period,
                      taxable_value=taxable, igst=igst, cess=cess, supplier_gstin=supplier,
                      supplier_name=name, importer_gstin=importer, source=source,
                      amount_problems=amount_problems)


# The fast path of reading a row. A 50,000-row table spent half its time turning cells into
# BoeVersions, so rows whose cells all have the plain types Excel gives for a tidy BoE sheet
# (a known section word, Yes/No, text, a BoE number of digits, numbers or Decimals for
# amounts, datetimes or blanks for dates, MMYYYY text) are read directly; every other row
# takes the careful path (_careful_version), which names each problem. A property test
# checks that both paths give equal versions wherever the fast one answers.
_SECTIONS = {"IMPG": (Section.IMPG, False), "IMPGA": (Section.IMPG, True),
             "IMPGSEZ": (Section.IMPGSEZ, False), "IMPGSEZA": (Section.IMPGSEZ, True)}
_YES_NO = {None: False, "No": False, "Yes": True, "": False}
_PLAIN_AMOUNT = 10.0 ** 14   # far inside money.LIMIT: no limit check needed below it
_PERIODS: dict[str, Period] = {}


def _plain_text(value: Any) -> str | None:
    if value is None:
        return ""
    if value.__class__ is str:
        return value.strip()
    return None


def _plain_date(value: Any) -> date | None | bool:
    """The date of a date cell (openpyxl and Excel give datetimes, calamine dates), None for
    an empty one, False for anything else."""
    cls = value.__class__
    if cls is datetime:
        return value.date()
    if cls is date:
        return value
    return None if value is None else False


def _plain_amount(value: Any) -> Decimal | None:
    cls = value.__class__
    if cls is float:
        if -_PLAIN_AMOUNT < value < _PLAIN_AMOUNT:
            return Decimal(repr(value))  # what the cell shows, as money.to_decimal reads it
        return None
    if value is None:
        return ZERO
    if cls is int and -_PLAIN_AMOUNT < value < _PLAIN_AMOUNT:
        return Decimal(value)
    if cls is Decimal and value.is_finite() and -_PLAIN_AMOUNT < value < _PLAIN_AMOUNT:
        return value
    return None


def plain_version(cells: dict[str, Any], vid: str) -> BoeVersion | None:
    """The row as a version when every cell is plain, else None (take the full path)."""
    get = cells.get
    return plain_version_values(
        vid, get("Section"), get("Amendment"), get("Port Code"), get("BoE No"),
        get("BoE Date"), get("Reference Date"), get("Period"), get("Taxable Value"),
        get("IGST"), get("Cess"), get("Supplier GSTIN"), get("Supplier Name"),
        get("Importer GSTIN"), get("Source"))


# The cells plain_version_values takes, in its order (state.VERSION_COLUMNS is the same set).
PLAIN_COLUMNS = ("Section", "Amendment", "Port Code", "BoE No", "BoE Date", "Reference Date",
                 "Period", "Taxable Value", "IGST", "Cess", "Supplier GSTIN", "Supplier Name",
                 "Importer GSTIN", "Source")


def plain_version_values(vid: str, raw_section: Any, raw_amendment: Any, port: Any,
                         number: Any, raw_boe_date: Any, raw_ref_date: Any, raw_period: Any,
                         raw_taxable: Any, raw_igst: Any, raw_cess: Any, raw_supplier: Any,
                         raw_name: Any, raw_importer: Any, raw_source: Any) -> BoeVersion | None:
    """:func:`plain_version` from the cells themselves (PLAIN_COLUMNS order): the read-only
    commands build versions straight from the columns, without a dict per row."""
    section = _SECTIONS.get(raw_section) if raw_section.__class__ is str else None
    amendment = (_YES_NO.get(raw_amendment)
                 if raw_amendment is None or raw_amendment.__class__ is str else None)
    if section is None or amendment is None:
        return None
    if number.__class__ is str and number.isascii() and number.isdigit():
        pass
    elif number.__class__ is float and number.is_integer():
        number = str(int(number))
    else:
        return None
    boe_date, ref_date = _plain_date(raw_boe_date), _plain_date(raw_ref_date)
    if boe_date is False or ref_date is False:
        return None
    if raw_period is None or raw_period == "":
        period = None
    elif raw_period.__class__ is str:
        period = _PERIODS.get(raw_period)
        if period is None:
            try:
                period = Period.parse(text(raw_period))
            except ValueError:
                return None
            _PERIODS[raw_period] = period
    else:
        return None
    taxable, igst, cess = (_plain_amount(raw_taxable), _plain_amount(raw_igst),
                           _plain_amount(raw_cess))
    port, supplier, name, importer = (_plain_text(port), _plain_text(raw_supplier),
                                      _plain_text(raw_name), _plain_text(raw_importer))
    if (taxable is None or igst is None or cess is None or port is None or supplier is None
            or name is None or importer is None):
        return None
    section_family, amended = section
    return _version(vid, section_family, amendment or amended, port, number, boe_date,
                    ref_date, period, taxable, igst, cess, supplier, name, importer,
                    _plain_text(raw_source) or "")


def row_from_version(v: BoeVersion) -> Row:
    """The portal columns of a BoE row (the accountant's and computed columns are not here)."""
    return {
        "Section": v.section.value, "Amendment": "Yes" if v.amendment else "No",
        "Port Code": v.port_code, "BoE No": v.boe_number, "BoE Date": v.boe_date,
        "Reference Date": v.ref_date, "Period": str(v.period) if v.period else "",
        "Taxable Value": v.taxable_value, "IGST": v.igst, "Cess": v.cess,
        "Supplier GSTIN": v.supplier_gstin, "Supplier Name": v.supplier_name,
        "Importer GSTIN": v.importer_gstin, "Source": v.source,
    }


def book_from_row(row: Row, *, sheet: str, line: int, problems: list[Problem]) -> BookLine:
    def money(column: str) -> Decimal:
        amount, problem = to_decimal_or_zero(row.get(column))
        if problem:
            problems.append(Problem(sheet, problem, "Correct the amount.", row=line,
                                    column=column, value=text(row.get(column))))
        return amount

    try:
        boe_date = as_date(row.get("BoE Date"))
    except ValueError as exc:
        problems.append(Problem(sheet, str(exc), "Type the date as DD-MM-YYYY.", row=line,
                                column="BoE Date", value=text(row.get("BoE Date"))))
        boe_date = None
    try:
        number = boe_number_id.compact(row.get("BoE No"))
    except Exception:
        number = text(row.get("BoE No"))
    return BookLine(port_code=text(row.get("Port Code")), boe_number=number, boe_date=boe_date,
                    taxable_value=money("Taxable Value"), igst=money("IGST"), cess=money("Cess"),
                    voucher=text(row.get("Voucher No")),
                    supplier_gstin=text(row.get("Supplier GSTIN")),
                    importer_gstin=text(row.get("Importer GSTIN")),
                    file=text(row.get("Source")) or sheet, row=line)


def row_from_book(b: BookLine) -> Row:
    where = f"{b.file}:{b.row}" if b.row else b.file
    return {"Port Code": b.port_code, "BoE No": b.boe_number, "BoE Date": b.boe_date,
            "Taxable Value": b.taxable_value, "IGST": b.igst, "Cess": b.cess,
            "Voucher No": b.voucher, "Supplier GSTIN": b.supplier_gstin,
            "Importer GSTIN": b.importer_gstin, "Source": where}


def settings_from_names(values: dict[str, Any], filed: list[Row], generated: list[Row],
                        annual: list[Row] = (), *, sheet: str = "Settings"
                        ) -> tuple[Settings, date | None, Decimal, list[Problem]]:
    """Settings from the workbook's defined names and tables; bad values are problems and
    fall back to the defaults (never a silent guess: each is reported). A name or table the
    workbook lacks (one made before rules 2.0 has no IMS start and no AnnualReturns) gives
    the default of rules 2.0."""
    problems: list[Problem] = []
    # read in the order the Settings sheet shows them, so the problems come in that order
    gstin = _gstin(values, sheet, problems)
    filing = _choice(values, "IMS_FILING", Filing, Filing.MONTHLY, sheet, problems)
    as_of = _as_of(values, sheet, problems)
    days = _cutoff_days(values, sheet, problems)
    tolerance = _tolerance(values, sheet, problems)
    defaults = Settings()  # rules 2.0: what a blank cell, or a name the workbook lacks, means
    settings = Settings(
        gstin=gstin, filing=filing,
        reject_policy=_choice(values, "IMS_REJECT_POLICY", RejectPolicy,
                              defaults.reject_policy, sheet, problems),
        pending_limit=_choice(values, "IMS_PENDING_LIMIT", PendingLimit,
                              defaults.pending_limit, sheet, problems),
        cutoff_warning_days=days,
        filed_3b=_period_dates(filed, "Filed on", "Filed3B", filing, sheet, problems),
        generated_2b=_period_dates(generated, "Generated on", "Generated2B", filing, sheet,
                                   problems),
        ims_start=_ims_start(values.get("IMS_START"), defaults.ims_start, sheet, problems),
        annual_return_filed=_annual_returns(annual, sheet, problems))
    return settings, as_of, tolerance, problems


def _choice(values: dict[str, Any], name: str, enum, default, sheet: str,
            problems: list[Problem]):
    """A dropdown setting; blank is the default, a word not in the list a problem."""
    raw = text(values.get(name)).lower()
    if not raw:
        return default
    try:
        return enum(raw)
    except ValueError:
        label = next((s.label for s in SETTINGS_NAMES if s.name == name), name)
        problems.append(Problem(sheet, f"{label}: {raw!r} is not a choice",
                                "Choose one from the dropdown: "
                                + ", ".join(e.value for e in enum) + ".",
                                column=name, value=raw))
        return default


def _gstin(values: dict[str, Any], sheet: str, problems: list[Problem]) -> str | None:
    gstin = text(values.get("IMS_GSTIN")) or None
    if not gstin:
        return None
    problem = gstin_id.problem(gstin)
    if problem:
        problems.append(Problem(sheet, problem, "Correct the GSTIN in Settings.",
                                column="IMS_GSTIN", value=gstin))
        return None
    return gstin_id.compact(gstin)


def _as_of(values: dict[str, Any], sheet: str, problems: list[Problem]) -> date | None:
    try:
        return as_date(values.get("IMS_AS_OF"))
    except ValueError as exc:
        problems.append(Problem(sheet, str(exc), "Type the date as DD-MM-YYYY or leave blank.",
                                column="IMS_AS_OF", value=text(values.get("IMS_AS_OF"))))
        return None


def _cutoff_days(values: dict[str, Any], sheet: str, problems: list[Problem]) -> int:
    raw_days = values.get("IMS_CUTOFF_DAYS")
    if not text(raw_days):
        return 3
    try:
        days = int(to_decimal(raw_days))
        if days < 0:
            raise ValueError
        return days
    except (ValueError, ArithmeticError):
        problems.append(Problem(sheet, "cutoff warning days must be a whole number",
                                "Type a number of days such as 3.",
                                column="IMS_CUTOFF_DAYS", value=text(raw_days)))
        return 3


def _tolerance(values: dict[str, Any], sheet: str, problems: list[Problem]) -> Decimal:
    if not text(values.get("IMS_TOLERANCE")):
        return Decimal("1.00")
    try:
        return to_decimal(values.get("IMS_TOLERANCE"))
    except ValueError as exc:
        problems.append(Problem(sheet, str(exc), "Type an amount in rupees such as 1.00.",
                                column="IMS_TOLERANCE", value=text(values.get("IMS_TOLERANCE"))))
        return Decimal("1.00")


def _period_dates(rows: list[Row], column: str, table: str, filing: Filing, sheet: str,
                  problems: list[Problem]) -> dict[Period, date]:
    """A table of period -> date (Filed3B, Generated2B); a month is read as its quarter for
    a quarterly filer."""
    out = {}
    for i, row in enumerate(rows, start=1):
        if not text(row.get("Period")) and not text(row.get(column)):
            continue
        try:
            out[Period.parse(text(row.get("Period"))).for_filing(filing)] = as_date(row.get(column))
        except (ValueError, TypeError) as exc:
            problems.append(Problem(sheet, f"{table} row {i}: {exc}",
                                    "Write the period as MMYYYY and a DD-MM-YYYY date.",
                                    column=column, value=text(row.get(column))))
    return {p: d for p, d in out.items() if d is not None}


def _ims_start(value: Any, default: Period, sheet: str, problems: list[Problem]) -> Period:
    """The IMS start cell: MMYYYY as text (or a number whose leading zero Excel dropped, or a
    date in the month); blank is the default, October 2025."""
    if isinstance(value, (datetime, date)):
        return Period.containing(as_date(value))
    raw = text(value)
    if not raw:
        return default
    try:
        return Period.parse(raw)
    except ValueError as exc:
        problems.append(Problem(sheet, f"IMS start: {exc}", "Write the first period IMS "
                                "handles as MMYYYY, such as 102025, or leave it blank.",
                                column="IMS_START", value=raw))
        return default


def financial_year_start(value: Any) -> int:
    """A financial year cell as its first calendar year: ``2025-26`` (also ``2025-2026`` and
    ``FY 2025-26``) is 2025; anything else is a ValueError saying how to write it."""
    raw = text(value).upper().removeprefix("FY").strip()
    if len(raw) == 9 and raw[4] == "-" and raw[:4].isdigit() and raw[5:].isdigit() \
            and int(raw[5:]) == int(raw[:4]) + 1:
        raw = raw[:5] + raw[7:]   # 2025-2026 -> 2025-26
    return parse_financial_year(raw)


def _annual_returns(rows: list[Row], sheet: str, problems: list[Problem]) -> dict[int, date]:
    """The AnnualReturns table: financial year -> the day its annual return was filed. A row
    with a year and no date yet is skipped (not filed); a year written twice is reported and
    its first row counts."""
    out: dict[int, date] = {}
    table = "AnnualReturns"
    for i, row in enumerate(rows, start=1):
        year_cell, day_cell = row.get("Financial Year"), row.get("Filed on")
        if not text(year_cell) and not text(day_cell):
            continue
        try:
            start = financial_year_start(year_cell)
        except ValueError as exc:
            problems.append(Problem(sheet, f"{table} row {i}: {exc}",
                                    "Write the financial year as YYYY-YY, such as 2025-26.",
                                    column="Financial Year", value=text(year_cell)))
            continue
        try:
            day = as_date(day_cell)
        except (ValueError, TypeError) as exc:
            problems.append(Problem(sheet, f"{table} row {i}: {exc}",
                                    "Type the filing date as DD-MM-YYYY.", column="Filed on",
                                    value=text(day_cell)))
            continue
        if day is None:
            continue
        if start in out:
            problems.append(Problem(sheet, f"{table} row {i}: the financial year "
                                    f"{financial_year_label(start)} is there twice; the first "
                                    "row counts", "Keep one row per financial year.",
                                    column="Financial Year", value=text(year_cell)))
            continue
        out[start] = day
    return out
