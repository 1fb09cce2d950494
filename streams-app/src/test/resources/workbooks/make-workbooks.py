#!/usr/bin/python3
"""Writes the test workbooks from the replay fixture's CSV files (../replay/), with two programs
other than raidwatch, so the tests read workbooks as other software writes them:

  replay-openpyxl.xlsx  openpyxl: sheet "Raids" (first) and sheet "FOI", cells typed as a
                        spreadsheet user's would be: dates as date cells, the report time as a
                        date-time cell, counts as numbers, yes/no and true/false as booleans; a cell
                        that is not a valid value (the 31st of April, -1 victims) as typed in.
  raids-libreoffice.xlsx, foi-libreoffice.xlsx
                        LibreOffice's headless CSV import (its own type detection), one sheet each.

Run from this folder: /usr/bin/python3 make-workbooks.py (Debian's Python) (needs Debian's python3-openpyxl and
libreoffice-calc-nogui). The workbooks are committed; the tests do not run this script.
"""
import csv
import datetime
import os
import shutil
import subprocess
import tempfile

from openpyxl import Workbook

HERE = os.path.dirname(os.path.abspath(__file__))
REPLAY = os.path.join(HERE, "..", "replay")
DATES = {"raid_date", "requested_on", "responded_on"}
DATE_TIMES = {"reported_at"}
BOOLEANS = {"trafficking_claimed", "modern_slavery_claimed"}
COUNTS = {"revision", "claimed_victims", "claimed_arrests", "victims_identified", "nrm_referrals", "nrm_declined",
          "arrests", "trafficking_charges"}


def typed(column, text):
    if text == "":
        return None
    try:
        if column in DATES:
            return datetime.date.fromisoformat(text)
        if column in DATE_TIMES:
            return datetime.datetime.fromisoformat(text.replace("Z", ""))
        if column in BOOLEANS:
            return {"true": True, "yes": True, "false": False, "no": False}[text.lower()]
        if column in COUNTS:
            return int(text)
    except (ValueError, KeyError):
        pass
    return text


def add_sheet(book, title, csv_file, first):
    sheet = book.active if first else book.create_sheet()
    sheet.title = title
    with open(os.path.join(REPLAY, csv_file), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    sheet.append(header)
    for row in rows[1:]:
        sheet.append([typed(column, value) for column, value in zip(header, row)])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, datetime.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"


def openpyxl_workbook():
    book = Workbook()
    add_sheet(book, "Raids", "raids.csv", True)
    add_sheet(book, "FOI", "foi.csv", False)
    book.save(os.path.join(HERE, "replay-openpyxl.xlsx"))


def libreoffice_workbooks():
    with tempfile.TemporaryDirectory() as work:
        for name in ("raids", "foi"):
            shutil.copy(os.path.join(REPLAY, name + ".csv"), os.path.join(work, name + ".csv"))
            subprocess.run(["soffice", "--headless", "-env:UserInstallation=file://" + work + "/profile", "--convert-to", "xlsx",
                            "--outdir", work, os.path.join(work, name + ".csv")], check=True, capture_output=True)
            shutil.move(os.path.join(work, name + ".xlsx"), os.path.join(HERE, name + "-libreoffice.xlsx"))


if __name__ == "__main__":
    openpyxl_workbook()
    libreoffice_workbooks()
