"""Tables as Excel workbooks (.xlsx), written in bounded memory.

openpyxl's write-only mode writes each row out as it comes (its strings inline, with no
table of them kept), and the workbook goes to a temporary file that the response streams
and that disappears once sent; a hundred thousand rows need no more memory than ten.

Every text is a text cell: one that opens with = + - @ never runs as a formula.
Characters that no workbook can hold (control characters other than tab and line
breaks) are shown as U+FFFD, and a text longer than a cell holds is cut with an ellipsis;
the CSV has the full text.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from corpus.http import FileDownload

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The most characters an Excel cell holds.
CELL_LIMIT = 32_767


def _cell(sheet: WriteOnlyWorksheet, value: Any, bold: bool = False) -> WriteOnlyCell:
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        if len(text) > CELL_LIMIT:
            text = text[: CELL_LIMIT - 1] + "…"
        cell = WriteOnlyCell(sheet, value=text)
        # A string, whatever it begins with: openpyxl reads "=…" as a formula otherwise.
        cell.data_type = "s"
    else:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, datetime.date):
            cell.number_format = "yyyy-mm-dd"
    if bold:
        cell.font = Font(bold=True)
    return cell


def workbook_response(
    *, columns: Sequence[str], rows: Iterable[Sequence[Any]], filename: str, title: str
) -> FileDownload:
    """A download of one sheet, ``title``, with a bold header of ``columns`` and ``rows``."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, name, bold=True) for name in columns])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    # Gone once closed: the response closes it when sent.
    handle = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        book.save(handle)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return FileDownload(handle, as_attachment=True, filename=filename, content_type=MEDIA_TYPE)
