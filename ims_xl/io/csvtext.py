"""CSV files as Indian offices produce them: decoding and splitting into rows.

Encoding, in this order:

* a UTF-8 byte-order mark (Excel's "CSV UTF-8"): UTF-8;
* a UTF-16 byte-order mark (Excel's "Unicode Text", tab-separated): UTF-16;
* text that is valid UTF-8: UTF-8 (so ``₹`` and accented names come out right);
* anything else is Windows-1252 (Excel's plain "CSV" on an Indian Windows PC): each byte that
  is not part of valid UTF-8 is read as Windows-1252 (``0x80`` is ``€``, ``0xE9`` is ``é``;
  the five bytes Windows-1252 leaves undefined are kept as the control characters Windows
  maps them to). A file that mixes both (a UTF-8 ``₹`` pasted into a 1252 file) is read right.
  This gives an ``ENCODING_GUESSED`` warning naming the first line concerned. Windows-1252 has
  no ``₹``: Excel saves it as ``?``, which the amount reader drops before the digits.

Delimiter: ``,``, ``;``, tab or ``|``, whichever splits the first lines into the same number
of fields most consistently (``,`` on a tie). A first line ``sep=;`` (Excel's hint) decides it.

Rows carry the line number where they start in the file (a quoted field may span lines), so
problems point at the line a text editor shows. A file that is not text (NUL bytes), or over
the size limit, gives a problem instead of rows. A CSV that cannot be split from some line on
(a quote never closed) gives ``CSV_BROKEN``, a whole-file error naming the line.

Memory stays in proportion to the file: a run of blank lines is kept as one blank row (a
file of 200 million newlines would otherwise be 200 million rows, about 28 GB), and what no
spreadsheet could hold is refused with a problem naming the line: a line over a million
characters, a row over Excel's 16,384 columns (``CSV_BROKEN``), over Excel's 1,048,576 rows
(``FILE_TOO_BIG``).

>>> decode(b'Port Code,BE No\\r\\nINNSA1,2566282\\r\\n')[0][:9]
'Port Code'
>>> decode('Caf\\u00e9'.encode('cp1252'))[:2]
('Café', 'windows-1252')
>>> split_rows('a;b;c\\n1;2;3\\n')
[(1, ['a', 'b', 'c']), (2, ['1', '2', '3'])]
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from pathlib import Path

from ..models import Severity
from ..problems import Problem
from .cells import Codes

__all__ = ["MAX_BYTES", "MAX_FIELDS", "MAX_LINE", "MAX_ROWS", "TooMuch", "decode",
           "sniff_delimiter", "split_rows", "read_csv", "read_bytes"]

MAX_BYTES = 200 * 1024 * 1024
MAX_FIELDS = 16_384          # Excel's columns
MAX_ROWS = 1_048_576         # Excel's rows
MAX_LINE = 1024 * 1024       # characters in one line of the file
_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_LINES = 50
_SNIFF_CHARS = 4 * 1024 * 1024


def _cp1252_byte(b: int) -> str:
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: Windows maps them to C1 controls
        return chr(b)


_CP1252 = [_cp1252_byte(b) for b in range(256)]


def _utf8_else_1252(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeDecodeError):  # pragma: no cover - only used for decoding
        raise err
    bad = err.object[err.start:err.end]
    return "".join(_CP1252[b] for b in bad), err.end


codecs.register_error("ims_xl_utf8_else_1252", _utf8_else_1252)


def decode(data: bytes) -> tuple[str, str, int | None]:
    """``(text, encoding, first_guessed_line)``: the line is set only when some bytes were
    not UTF-8 and were read as Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16", None
    else:
        encoding = "utf-8"
    try:
        return data.decode("utf-8"), encoding, None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
    return data.decode("utf-8", errors="ims_xl_utf8_else_1252"), "windows-1252", line


def _looks_utf16_without_bom(data: bytes) -> str | None:
    head = data[:400]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _field_counts(text: str, delimiter: str) -> list[int]:
    counts: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                counts.append(len(row))
            if len(counts) >= _SNIFF_LINES:
                break
    except csv.Error:
        pass
    return counts


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines most consistently (``,`` on a tie).

    >>> sniff_delimiter('a,b\\n1,2\\n'), sniff_delimiter('a;b;c\\n1;"2,5";3\\n')
    (',', ';')
    """
    sample = "\n".join(text[:_SNIFF_CHARS].splitlines()[:_SNIFF_LINES * 4])
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        counts = [n for n in _field_counts(sample, delimiter) if n > 1]
        if not counts:
            continue
        mode, times = Counter(counts).most_common(1)[0]
        score = (times, mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _sep_hint(text: str) -> tuple[str, str | None, int]:
    """``(text, delimiter, first_line)``: Excel's ``sep=;`` first line removed and obeyed."""
    head, _, rest = text.partition("\n")
    hint = head.strip().strip('"').lower()
    if hint.startswith("sep=") and len(hint) == 5:
        return rest, hint[4], 2
    return text, None, 1


class TooMuch(csv.Error):
    """More than a spreadsheet could hold: ``args`` = (what, line number, rows so far)."""


def _lines(text: str):
    """The file's lines, as csv.reader would take them; refuses an absurdly long one before
    it is split into fields."""
    for number, line in enumerate(io.StringIO(text, newline=""), 1):
        if len(line) > MAX_LINE:
            raise TooMuch(f"line {number} is {len(line):,} characters long, over "
                          f"{MAX_LINE:,}", number)
        yield line


def split_rows(text: str, delimiter: str | None = None) -> list[tuple[int, list[str]]]:
    """``[(line_number, fields)]`` for every record (a run of blank lines gives one blank
    row); raises :class:`csv.Error` with the line number in ``args[1]`` and the rows read so
    far in ``args[2]`` when the text cannot be split from some point on, and
    :class:`TooMuch` (a kind of csv.Error) when it holds more than a spreadsheet could."""
    text, hinted, first_line = _sep_hint(text)
    delimiter = delimiter or hinted or sniff_delimiter(text)
    reader = csv.reader(_lines(text), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    blank_before = False
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except TooMuch as exc:
            raise TooMuch(exc.args[0], exc.args[1] + first_line - 1, rows) from None
        except csv.Error as exc:
            raise csv.Error(str(exc), start + first_line - 1, rows) from exc
        line = start + first_line - 1
        start = reader.line_num + 1
        blank = not any(row)
        if blank and blank_before:
            continue   # one blank row stands for the run: memory in proportion to the data
        blank_before = blank
        if len(row) > MAX_FIELDS:
            raise TooMuch(f"line {line} has {len(row):,} fields, more than Excel's "
                          f"{MAX_FIELDS:,} columns", line, rows)
        if len(rows) >= MAX_ROWS:
            raise TooMuch(f"the file has more than Excel's {MAX_ROWS:,} rows", line, rows)
        rows.append((line, row))
    return rows


def _line_text(text: str, line: int) -> str:
    """The text of one line (1-based), found without splitting the whole file.

    >>> _line_text('a\\nb\\r\\nc', 2)
    'b'
    """
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return ""
    end = text.find("\n", start)
    return text[start:end if end >= 0 else len(text)].rstrip("\r")


def read_bytes(path: Path, display: str, problems: list[Problem], *,
               max_bytes: int = MAX_BYTES) -> bytes | None:
    """The file's bytes, or None with a problem (missing, a folder, unreadable, too big)."""
    try:
        if not path.exists():
            problems.append(Problem(display, "The file does not exist.",
                                    "Check the file name and folder.", code=Codes.FILE_NOT_FOUND))
            return None
        if path.is_dir():
            problems.append(Problem(display, "This is a folder, not a file.",
                                    "Choose the file inside it.", code=Codes.FILE_NOT_FOUND))
            return None
        size = path.stat().st_size
        if size > max_bytes:
            problems.append(Problem(
                display, f"The file is {size // (1024 * 1024)} MB, over the limit of "
                f"{max_bytes // (1024 * 1024)} MB.", "Split it into smaller files.",
                code=Codes.FILE_TOO_BIG))
            return None
        return path.read_bytes()
    except OSError as exc:
        problems.append(Problem(display, f"The file cannot be read: {exc.strerror or exc}.",
                                "Close it in other programs and check you may read it.",
                                code=Codes.FILE_UNREADABLE))
        return None


def read_csv(path: Path, display: str | None = None, *, data: bytes | None = None,
             max_bytes: int = MAX_BYTES) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """The rows of a CSV file with their line numbers, and the problems met; never raises."""
    display = display or Path(path).name
    problems: list[Problem] = []
    if data is None:
        data = read_bytes(Path(path), display, problems, max_bytes=max_bytes)
        if data is None:
            return [], problems
    if not data.strip():
        problems.append(Problem(display, "The file is empty.",
                                "Export the data again.", code=Codes.FILE_EMPTY))
        return [], problems
    utf16 = _looks_utf16_without_bom(data)
    if utf16:
        text, line = data.decode(utf16, errors="replace"), None
    elif b"\x00" in data[:65536]:
        problems.append(Problem(
            display, "This is not a text (CSV) file.",
            "Open it in Excel and save it as 'CSV UTF-8' or as an Excel workbook (.xlsx).",
            code=Codes.NOT_TEXT))
        return [], problems
    else:
        text, encoding, line = decode(data)
    if line is not None:
        shown = _line_text(text, line)
        problems.append(Problem(
            display, "The file is not UTF-8: it was read as Windows-1252 (Excel's plain CSV).",
            "Check accented names; saving as 'CSV UTF-8' avoids this.",
            row=line, value=shown[:80], severity=Severity.WARNING,
            code=Codes.ENCODING_GUESSED))
    try:
        rows = split_rows(text)
    except TooMuch as exc:
        rows = []   # not read whole: nothing of it is used
        problems.append(Problem(
            display, f"The file holds more than a spreadsheet can: {exc.args[0]}.",
            "Check that this is the right file; split real data into smaller files.",
            code=Codes.FILE_TOO_BIG))
    except csv.Error as exc:
        at = exc.args[1] if len(exc.args) > 1 else None
        rows = exc.args[2] if len(exc.args) > 2 else []  # keep what was read before the break
        # No row: the file was not read whole, and a part of it must not pass for all of it
        # (callers stop on row-less errors); the line is in the message.
        problems.append(Problem(
            display, f"The CSV cannot be split into fields from line {at} on ({exc.args[0]}).",
            "Check for a quote (\") that is never closed there, and save the file again.",
            code=Codes.CSV_BROKEN))
    return rows, problems

