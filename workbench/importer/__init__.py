"""Import any shop export (CSV/TSV/TXT/Excel/Parquet) into one canonical table (SPEC §2).

Steps: detect the encoding (UTF-8 with or without BOM, CP932/Shift_JIS, EUC-JP) and transcode
non-UTF-8 text to a temporary UTF-8 file in chunks (`encoding`); let DuckDB read the file as text
(`source`); match headers by `synonyms.HEADERS` or `--map` (`mapping`); coerce values in SQL
(Japanese/ISO dates, ¥/円/commas/full-width digits, Japanese status words) and check everything
(`coerce`); write `TABLE.parquet` (`run`). All or nothing: every problem is collected (row, column,
value, why; ≤20 examples each) and the target folder is only touched by one atomic rename at the
end. Several files become one dataset through `plan.load_files`.

This package is the public entry for the command line and the Data page.
"""

from ..errors import ImportFailed, Problem
from .encoding import ENCODINGS, detect_encoding
from .mapping import guess_table, propose_mapping
from .plan import FilePlan, load_files
from .run import Result, inspect, run_import
from .source import EXTENSIONS

__all__ = [
    "ENCODINGS",
    "EXTENSIONS",
    "FilePlan",
    "ImportFailed",
    "Problem",
    "Result",
    "detect_encoding",
    "guess_table",
    "inspect",
    "load_files",
    "propose_mapping",
    "run_import",
]
