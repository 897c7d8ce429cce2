"""Import any shop export (CSV/TSV/TXT/Excel/Parquet) into one canonical table (SPEC §2).

Steps: detect the encoding (UTF-8 with or without BOM, CP932/Shift_JIS, EUC-JP) and transcode
non-UTF-8 text to a temporary UTF-8 file in chunks; let DuckDB read the CSV (streaming, all text);
match headers by `synonyms.HEADERS` (or `--map`); coerce values in SQL (Japanese/ISO dates, ¥/円/
commas/full-width digits, Japanese status words); check everything and write `TABLE.parquet`.
All or nothing: every problem is collected (row, column, value, why; ≤20 examples each) and the
target folder is only touched by one atomic rename at the end.
"""

from __future__ import annotations

import codecs
import csv
import os
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from . import synonyms
from .contract import BOOL, DATE, DECIMAL, INT, TABLES, TIMESTAMP
from .errors import WorkbenchError

ENCODINGS = ("utf-8", "utf-8-sig", "cp932", "shift_jis", "euc-jp")
EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx", ".parquet")
EXAMPLES = 20
CHUNK = 1 << 22  # 4 MiB
SAMPLE = 1 << 20


@dataclass
class Problem:
    """One kind of problem in one file: where, why, how many, and up to 20 (row, value) examples."""

    file: str
    code: str  # catalogue key under import.problem.*
    column: str | None = None
    count: int = 1
    examples: list[tuple[int | None, str]] = field(default_factory=list)
    info: str = ""

    def message(self, lang: str = "ja") -> str:
        from .i18n import t

        head = t(
            f"import.problem.{self.code}",
            lang,
            file=self.file,
            column=self.column or "-",
            count=f"{self.count:,}",
            info=self.info,
        )
        lines = [head]
        for row, value in self.examples:
            lines.append("  " + t("import.example", lang, row=row if row is not None else "-", value=value))
        if self.count > len(self.examples) and self.examples:
            lines.append("  " + t("import.more", lang, count=f"{self.count - len(self.examples):,}"))
        return "\n".join(lines)


class ImportFailed(WorkbenchError):
    """The import found problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("import.failed", count=len(problems))

    def report(self, lang: str = "ja") -> str:
        return "\n".join(p.message(lang) for p in self.problems)


@dataclass
class Result:
    table: str
    rows: int
    encoding: str | None
    mapping: dict[str, str]  # canonical -> source header
    ignored: list[str]
    path: Path | None = None


def norm(text: str) -> str:
    """Header/value key: NFKC, trimmed, lower-case, without inner spaces."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).lower()


# ------------------------------------------------------------------ encoding
def _score(text: str) -> float:
    jp = sum(1 for ch in text if "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff")
    halfkana = sum(1 for ch in text if "\uff61" <= ch <= "\uff9f")
    odd = sum(1 for ch in text if unicodedata.category(ch) in ("Co", "Cn", "Cc") and ch not in "\r\n\t")
    return jp - 2 * halfkana - 5 * odd


def detect_encoding(head: bytes) -> str:
    """The most likely encoding of a file starting with `head`."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    cands = []
    for enc in ("utf-8", "cp932", "euc-jp"):
        try:
            text = codecs.getincrementaldecoder(enc)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        if enc == "utf-8":
            return enc
        cands.append((_score(text), enc))
    if not cands:
        return "utf-8"  # let the decoder report where it fails
    return max(cands, key=lambda c: (c[0], c[1] == "cp932"))[1]


def transcode(src: Path, dst: Path | None, encoding: str, file_label: str) -> list[Problem]:
    """Decode `src` in chunks (writing UTF-8 to `dst` when given); undecodable bytes as a problem."""
    bad: list[tuple[int, str]] = []
    count = 0

    dec = codecs.getincrementaldecoder(encoding)(errors="strict")
    out = dst.open("w", encoding="utf-8", newline="") if dst else None
    base = 0  # newlines before the bytes being decoded (a pending partial character holds none)
    try:
        with src.open("rb") as fh:
            while True:
                data = fh.read(CHUNK)
                final = not data
                while True:
                    try:
                        text = dec.decode(data, final=final)
                        base += data.count(b"\n")
                        break
                    except UnicodeDecodeError as exc:
                        count += 1
                        obj = exc.object
                        if len(bad) < EXAMPLES:
                            bad.append(
                                (base + obj[: exc.start].count(b"\n") + 1, obj[exc.start : exc.end + 1].hex(" "))
                            )
                        base += obj[: exc.end].count(b"\n")
                        data = obj[exc.end :]  # go on after the bad bytes with a fresh decoder
                        dec = codecs.getincrementaldecoder(encoding)(errors="strict")
                        out = None if out is None else (out.close() or None)  # the output is void now
                if out:
                    out.write(text)
                if final:
                    break
    finally:
        if out:
            out.close()
    if count:
        return [Problem(file_label, "undecodable", None, count, bad, info=encoding)]
    return []


def _delimiter(path: Path, first_line: str) -> str:
    ext = path.suffix.lower()
    if ext == ".tsv":
        return "\t"
    if ext == ".csv":
        return ","
    try:
        return csv.Sniffer().sniff(first_line, delimiters=",\t;|").delimiter
    except csv.Error:
        return "\t" if first_line.count("\t") > first_line.count(",") else ","


# ------------------------------------------------------------------ mapping
def propose_mapping(table: str, headers: list[str], overrides: dict[str, str] | None = None) -> dict[str, str]:
    """canonical column -> source header, by synonyms (first match wins) then overrides."""
    by_norm = {}
    for h in headers:
        by_norm.setdefault(norm(h), h)
    out = {}
    used = set()
    for col in TABLES[table].column_names:
        for word in (col,) + synonyms.HEADERS.get(table, {}).get(col, ()):
            h = by_norm.get(norm(word))
            if h is not None and h not in used:
                out[col] = h
                used.add(h)
                break
    for col, h in (overrides or {}).items():
        out = {k: v for k, v in out.items() if v != h or k == col}
        if h:
            out[col] = h
        else:
            out.pop(col, None)
    return out


def guess_table(headers: list[str], filename: str = "") -> str:
    """The canonical table these headers fit best (required columns first), orders on a tie."""
    stem = norm(Path(filename).stem)
    best = None
    for name, tbl in TABLES.items():
        m = propose_mapping(name, headers)
        req = [c.name for c in tbl.columns if c.required]
        score = (sum(c in m for c in req) == len(req), len(m), name in stem, name == "orders")
        if best is None or score > best[0]:
            best = (score, name)
    return best[1]


# ------------------------------------------------------------------ coercion SQL
FW_FROM = "０１２３４５６７８９，．－／：　＋"
FW_TO = "0123456789,.-/: +"


def _clean(q: str) -> str:
    return f"nullif(trim(translate({q}, '{FW_FROM}', '{FW_TO}')), '')"


def _amount(q: str) -> str:
    return f"try_cast(regexp_replace({_clean(q)}, '[¥￥\\\\円,\\s]', '', 'g') as DECIMAL(18,2))"


def _int(q: str) -> str:
    return f"try_cast(regexp_replace({_clean(q)}, '[,回件個\\s]', '', 'g') as BIGINT)"


def _timestamp(q: str) -> str:
    s = _clean(q)
    for pat, rep in (("[年月/]", "-"), ("日", " "), ("[時分]", ":"), ("[T秒]", " "), (":\\s*$", ""), ("\\s+", " ")):
        s = f"regexp_replace(trim({s}), '{pat}', '{rep}', 'g')"
    fmts = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S.%f",
        "%Y-%m-%d",
        "%Y%m%d",
        "%Y%m%d %H:%M:%S",
        "%Y-%m-%d %H",
    ]
    lst = "[" + ", ".join(f"'{f}'" for f in fmts) + "]"
    return f"coalesce(try_strptime({s}, {lst}), try_cast({_clean(q)} as TIMESTAMP))"


def _words_sql(words: dict[str, tuple[str, ...]]) -> str:
    pairs = {}
    for canon, ws in words.items():
        pairs[norm(canon)] = canon
        for w in ws:
            pairs.setdefault(norm(w), canon)
    items = ", ".join(f"'{k.replace(chr(39), '')}': '{v}'" for k, v in pairs.items())
    return "MAP {" + items + "}"


def _expr(table: str, col, q: str) -> tuple[str, str]:
    """(coerced SQL, problem code when the raw value is present but the result is null)."""
    key = f"{table}.{col.name}"
    if col.type == TIMESTAMP:
        return _timestamp(q), "bad_date"
    if col.type == DATE:
        return f"cast({_timestamp(q)} as DATE)", "bad_date"
    if col.type == DECIMAL:
        return _amount(q), "bad_amount"
    if col.type == INT:
        return _int(q), "bad_number"
    if col.type == BOOL:
        t = ", ".join(f"'{norm(w)}'" for w in synonyms.TRUE_WORDS)
        f = ", ".join(f"'{norm(w)}'" for w in synonyms.FALSE_WORDS)
        n = f"lower(replace(nfc_normalize({_clean(q)}), ' ', ''))"
        return f"case when {n} in ({t}) then true when {n} in ({f}) then false end", "bad_bool"
    if key in synonyms.VALUE_WORDS:
        n = f"lower(replace({_clean(q)}, ' ', ''))"
        return f"{_words_sql(synonyms.VALUE_WORDS[key])}[{n}]", "unknown_value"
    if col.allowed:
        return (
            f"case when {_clean(q)} in ({', '.join(repr(a) for a in col.allowed)}) then {_clean(q)} end",
            "unknown_value",
        )
    return f"trim({q})", ""


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# ------------------------------------------------------------------ reading
@dataclass
class Source:
    """An opened source file: a DuckDB relation of text columns, the headers, the encoding."""

    con: duckdb.DuckDBPyConnection
    view: str
    headers: list[str]
    encoding: str | None
    label: str


def open_source(
    con, path: Path, workdir: Path, encoding: str = "auto", sheet: str | None = None, label: str | None = None
) -> tuple[Source | None, list[Problem]]:
    label = label or path.name
    ext = path.suffix.lower()
    if not path.is_file():
        return None, [Problem(label, "not_found", count=1)]
    if path.stat().st_size == 0:
        return None, [Problem(label, "empty_file")]
    if ext not in EXTENSIONS:
        return None, [Problem(label, "bad_extension", info=", ".join(EXTENSIONS))]
    view = "src"
    enc = None
    try:
        if ext == ".parquet":
            rel = con.read_parquet(str(path))
            cols = rel.columns
            con.execute(
                f"create table {view} as select "
                + ", ".join(f"cast({_qi(c)} as varchar) as {_qi(c)}" for c in cols)
                + " from read_parquet($p)",
                {"p": str(path)},
            )
        elif ext == ".xlsx":
            import pandas as pd

            try:
                df = pd.read_excel(path, sheet_name=sheet or 0, dtype=str, engine="openpyxl")
            except ValueError as exc:
                return None, [Problem(label, "bad_sheet", info=str(exc).splitlines()[0])]
            df.columns = [str(c) for c in df.columns]
            df = df.dropna(how="all")
            con.register("xl", df)
            con.execute(f"create table {view} as select * from xl")
            con.unregister("xl")
        else:
            with path.open("rb") as fh:
                head = fh.read(SAMPLE)
            if not head.strip():
                return None, [Problem(label, "empty_file")]
            enc = detect_encoding(head) if encoding in (None, "", "auto") else encoding
            if enc == "utf-8" and head.startswith(codecs.BOM_UTF8):
                enc = "utf-8-sig"
            target = path
            if enc not in ("utf-8",):
                target = workdir / "transcoded.csv"
                problems = transcode(path, target, enc, label)
            else:
                problems = transcode(path, None, enc, label)  # validate only
            if problems:
                return None, problems
            with target.open("r", encoding="utf-8", newline="") as fh:
                first = fh.readline()
            delim = _delimiter(path, first)
            con.execute(
                f"create table {view} as select * from read_csv($p, delim=$d, header=true, all_varchar=true, "
                "quote='\"', escape='\"', null_padding=true, auto_detect=false, "
                "columns=$cols)",
                {"p": str(target), "d": delim, "cols": _header_columns(first, delim)},
            )
        headers = [r[0] for r in con.execute(f"describe {view}").fetchall()]
    except duckdb.Error as exc:
        return None, [Problem(label, "unreadable", info=str(exc).splitlines()[0])]
    if not con.execute(f"select count(*) from {view}").fetchone()[0]:
        return None, [Problem(label, "empty_file")]
    return Source(con, view, headers, enc, label), []


def _header_columns(first_line: str, delim: str) -> dict[str, str]:
    names = next(csv.reader([first_line.lstrip("\ufeff")], delimiter=delim), [])
    out, seen = {}, set()
    for i, n in enumerate(names):
        n = n.strip() or f"column{i + 1}"
        while n in seen:
            n += "_"
        seen.add(n)
        out[n] = "VARCHAR"
    return out


def check_and_stage(src: Source, table: str, mapping: dict[str, str]) -> tuple[int, list[Problem]]:
    """Coerce `src` into table `canon` (in src.con); every problem found."""
    con, tbl, label = src.con, TABLES[table], src.label
    problems: list[Problem] = []
    for c in tbl.columns:
        if c.required and c.name not in mapping:
            words = (c.name,) + synonyms.HEADERS.get(table, {}).get(c.name, ())
            problems.append(Problem(label, "missing_column", c.name, info=", ".join(words)))
    for col, h in mapping.items():
        if col not in tbl.column_names:
            problems.append(Problem(label, "unknown_column", col, info=", ".join(tbl.column_names)))
        elif h not in src.headers:
            problems.append(Problem(label, "no_header", col, info=h))
    if problems:
        return 0, problems
    sel, checks = ["rowid + 2 as _row"], []
    for c in tbl.columns:
        if c.name in mapping:
            q = _qi(mapping[c.name])
            expr, code = _expr(table, c, q)
            sel.append(f"{expr} as {_qi(c.name)}")
            sel.append(f"{q} as {_qi('_raw_' + c.name)}")
            checks.append((c, code))
        else:
            sel.append(f"cast(null as {c.type}) as {_qi(c.name)}")
    con.execute(f"create table canon as select {', '.join(sel)} from {src.view}")

    def collect(code, col, where, value=None):
        value = value or f"coalesce({_qi('_raw_' + col)}, '')"
        n, ex = con.execute(
            f"select count(*), list([cast(_row as varchar), {value}] order by _row)[1:{EXAMPLES}] "
            f"from canon where {where}"
        ).fetchone()
        if n:
            problems.append(Problem(label, code, col, n, [(int(r), v) for r, v in ex]))

    for c, code in checks:
        q, raw = _qi(c.name), _qi("_raw_" + c.name)
        if code:
            collect(code, c.name, f"{q} is null and nullif(trim({raw}), '') is not null")
        if c.required:
            collect("missing_value", c.name, f"nullif(trim({raw}), '') is null")
        if c.non_negative:
            collect("negative", c.name, f"{q} < 0")
        if c.unique:
            collect(
                "duplicate",
                c.name,
                f"{q} in (select {q} from canon where {q} is not null group by 1 having count(*) > 1)",
            )
    rows = con.execute("select count(*) from canon").fetchone()[0]
    return rows, problems


def run_import(
    table: str,
    source: str | Path,
    into: str | Path,
    encoding: str = "auto",
    mapping: dict[str, str] | None = None,
    sheet: str | None = None,
    label: str | None = None,
) -> Result:
    """Import one file into `into/TABLE.parquet`; ImportFailed (nothing written) on any problem."""
    path, into = Path(source).expanduser(), Path(into).expanduser()
    label = label or path.name
    if table not in TABLES:
        raise ImportFailed([Problem(label, "unknown_table", table, info=", ".join(TABLES))])
    if encoding not in ("auto",) + ENCODINGS:
        raise ImportFailed([Problem(label, "bad_encoding", info=encoding)])
    parent = into if into.is_dir() else into.parent
    parent.mkdir(parents=True, exist_ok=True) if not parent.exists() else None
    work = Path(tempfile.mkdtemp(prefix=".wb-import-", dir=parent if os.access(parent, os.W_OK) else None))
    try:
        con = duckdb.connect(str(work / "work.duckdb"))
        try:
            src, problems = open_source(con, path, work, encoding, sheet, label)
            if problems:
                raise ImportFailed(problems)
            m = propose_mapping(table, src.headers, mapping)
            rows, problems = check_and_stage(src, table, m)
            if problems:
                raise ImportFailed(problems)
            out = work / f"{table}.parquet"
            cols = ", ".join(_qi(c) for c in TABLES[table].column_names)
            con.execute(f"copy (select {cols} from canon order by _row) to '{out}' (format parquet)")
        finally:
            con.close()
        into.mkdir(parents=True, exist_ok=True)
        final = into / f"{table}.parquet"
        os.replace(out, final)  # atomic on one file system; the target folder changes only here
        used = set(m.values())
        return Result(table, rows, src.encoding, m, [h for h in src.headers if h not in used], final)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def inspect(
    path: str | Path, encoding: str = "auto", sheet: str | None = None, label: str | None = None, preview_rows: int = 10
):
    """(headers, encoding, preview DataFrame, guessed table, problems) for a file, without importing."""
    path = Path(path)
    work = Path(tempfile.mkdtemp(prefix=".wb-inspect-"))
    con = duckdb.connect()
    try:
        src, problems = open_source(con, path, work, encoding, sheet, label)
        if problems:
            return [], None, None, None, problems
        preview = con.execute(f"select * from {src.view} limit {int(preview_rows)}").df()
        return src.headers, src.encoding, preview, guess_table(src.headers, path.name), []
    finally:
        con.close()
        shutil.rmtree(work, ignore_errors=True)


# ------------------------------------------------------------------ several files → a dataset
@dataclass
class FilePlan:
    """One file to import: where it is, which table, the mapping (canonical -> header), the encoding."""

    path: Path
    table: str
    mapping: dict[str, str]
    encoding: str = "auto"
    label: str = ""


def load_files(plans: list[FilePlan], workdir: str | Path, settings=None):
    """Import every file into `workdir` and load it as a Dataset; (None, problems) when anything fails.

    All or nothing: the Dataset exists only when every file imports and the result meets the contract.
    """
    from . import dataset

    workdir = Path(workdir)
    problems: list[Problem] = []
    tables = [p.table for p in plans]
    for t in sorted({t for t in tables if tables.count(t) > 1}):
        problems.append(Problem(", ".join(p.label or p.path.name for p in plans if p.table == t), "same_table", t))
    if "orders" not in tables:
        problems.append(Problem("-", "no_orders", "orders"))
    if problems:
        return None, problems
    staging = Path(tempfile.mkdtemp(prefix="stage-", dir=workdir))
    for p in plans:
        try:
            run_import(p.table, p.path, staging, p.encoding, p.mapping, label=p.label or p.path.name)
        except ImportFailed as exc:
            problems += exc.problems
    if problems:
        shutil.rmtree(staging, ignore_errors=True)
        return None, problems
    try:
        ds = dataset.load_folder(staging, settings)
    except dataset.ContractError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        return None, [
            Problem(pr.table, "contract", pr.column, pr.count, [(None, e) for e in pr.examples], info=pr.message())
            for pr in exc.problems
        ]
    ds.source = str(staging)
    return ds, []


def shape(ds, settings) -> dict:
    """What a dataset holds: rows per table, date range, customers, counted orders."""
    cur = ds.cursor(settings)
    try:
        first, last, customers = cur.execute(
            "select min(ordered_at)::date, max(ordered_at)::date, count(distinct customer_id) from orders"
        ).fetchone()
        counted = cur.execute("select count(*) from order_fact").fetchone()[0]
    finally:
        cur.close()
    tables = [
        {
            "table": t,
            "present": t in ds.present,
            "rows": ds.row_counts[t] if t in ds.present else 0,
            "unlocks": list(TABLES[t].unlocks),
        }
        for t in TABLES
    ]
    return {
        "tables": tables,
        "first": first,
        "last": last,
        "customers": customers,
        "counted_orders": counted,
        "present": len(ds.present),
    }


def zip_parquet(ds) -> bytes:
    """The dataset's supplied tables as a zip of Parquet files (reusable as a dataset folder)."""
    import io
    import zipfile

    buf = io.BytesIO()
    work = Path(tempfile.mkdtemp(prefix=".wb-zip-"))
    try:
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for t in ds.present:
                out = work / f"{t}.parquet"
                cur = ds.con.cursor()
                cur.execute(f"copy main.{_qi(t)} to '{out}' (format parquet)")
                cur.close()
                zf.write(out, f"{t}.parquet")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return buf.getvalue()
