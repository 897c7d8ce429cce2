"""Tables as files: CSV and JSON with plain numbers and ISO dates, CSV for Excel, Excel."""

from __future__ import annotations

import io
import json

import pandas as pd


def date_formats(df: pd.DataFrame) -> dict[str, str]:
    """The text format of each date/time column: a column whose times are all midnight is a date."""
    out = {}
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            if s.dropna().empty or (s.dropna() == s.dropna().dt.normalize()).all():
                out[col] = "%Y-%m-%d"
            else:
                out[col] = "%Y-%m-%dT%H:%M:%S"
    return out


def plain(df: pd.DataFrame, formats: dict[str, str] | None = None) -> pd.DataFrame:
    """Dates as ISO text, numbers untouched. formats: the date formats to use (a stream's batches
    all take the first batch's, date_formats)."""
    out = df.copy()
    for col, fmt in (date_formats(df) if formats is None else formats).items():
        if col in out.columns:
            s = out[col]
            out[col] = s.dt.strftime(fmt).where(s.notna(), None)
    return out


def to_csv(df: pd.DataFrame) -> str:
    return plain(df).to_csv(index=False, lineterminator="\n")


def to_csv_excel(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, CRLF: opens in Excel with Japanese text intact."""
    return plain(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_json(df: pd.DataFrame) -> str:
    records = json.loads(plain(df).to_json(orient="records", force_ascii=False))
    return json.dumps(records, ensure_ascii=False, indent=1)


def write_csv(batches, out) -> int:
    """Write a stream of frames (a query's batches) as one CSV, the same text to_csv gives for one
    frame; the rows written."""
    formats, rows = None, 0
    for batch in batches:
        if formats is None:
            formats = date_formats(batch)
            out.write(plain(batch, formats).to_csv(index=False, lineterminator="\n"))
        elif len(batch):
            out.write(plain(batch, formats).to_csv(index=False, header=False, lineterminator="\n"))
        rows += len(batch)
    return rows


def write_json(batches, out) -> int:
    """Write a stream of frames as one JSON array, the same text to_json gives for one frame."""
    formats, rows = None, 0
    for batch in batches:
        formats = date_formats(batch) if formats is None else formats
        for record in json.loads(plain(batch, formats).to_json(orient="records", force_ascii=False)):
            text = json.dumps(record, ensure_ascii=False, indent=1).replace("\n", "\n ")
            out.write(("[\n " if rows == 0 else ",\n ") + text)
            rows += 1
    out.write("[]" if rows == 0 else "\n]")
    return rows


def to_excel(df: pd.DataFrame, sheet: str = "data") -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        plain(df).to_excel(xw, sheet_name=sheet[:31], index=False)
    return buf.getvalue()
