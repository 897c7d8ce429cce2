"""Tables as files: CSV and JSON with plain numbers and ISO dates, CSV for Excel, Excel."""
from __future__ import annotations

import io
import json

import pandas as pd


def plain(df: pd.DataFrame) -> pd.DataFrame:
    """Dates as ISO text (a column whose times are all midnight is a date), numbers untouched."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            if s.dropna().empty or (s.dropna() == s.dropna().dt.normalize()).all():
                out[col] = s.dt.strftime("%Y-%m-%d")
            else:
                out[col] = s.dt.strftime("%Y-%m-%dT%H:%M:%S")
            out[col] = out[col].where(s.notna(), None)
    return out


def to_csv(df: pd.DataFrame) -> str:
    return plain(df).to_csv(index=False, lineterminator="\n")


def to_csv_excel(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, CRLF: opens in Excel with Japanese text intact."""
    return plain(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_json(df: pd.DataFrame) -> str:
    records = json.loads(plain(df).to_json(orient="records", force_ascii=False))
    return json.dumps(records, ensure_ascii=False, indent=1)


def to_excel(df: pd.DataFrame, sheet: str = "data") -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        plain(df).to_excel(xw, sheet_name=sheet[:31], index=False)
    return buf.getvalue()
