"""The query runner: every analysis is a parameterised SQL file with a declaring header.

Header format (the comment block at the top of `queries/NAME.sql`):

    -- name: one-line description
    -- param NAME TYPE = DEFAULT {choice|choice}: what it means
    -- columns: col1, col2,
    --   col3, ...
    -- build: update          (derived facts only: corrects an earlier fact in place; see dataset.py)

TYPE is text, int, float, date, bool, text[] or float[] (lists: comma-separated on the command line). DEFAULT is a literal ('text', 12, 1.5, true,
null) or @setting, taken from the settings. {a|b} lists the allowed values (a whitelist).
The runner checks that the declared parameters and the $names in the SQL are the same set,
converts and validates values, and binds them as DuckDB named parameters: values are never
formatted into SQL text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from .errors import QueryError
from .settings import Settings

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"
TYPES = ("text", "int", "float", "date", "bool", "text[]", "float[]")
_PARAM = re.compile(
    r"^--\s*param\s+(?P<name>[a-z_][a-z0-9_]*)\s+(?P<type>text\[\]|float\[\]|text|int|float|date|bool)\s*"
    r"=\s*(?P<default>'[^']*'|@[a-z_0-9]+|[^\s{:]+)\s*(?:\{(?P<choices>[^}]*)\})?\s*(?::\s*(?P<doc>.*))?$"
)
_USED = re.compile(r"\$([a-z_][a-z0-9_]*)")
_HEAD = re.compile(r"^--\s*(?P<name>[a-z_][a-z0-9_]*)\s*:\s*(?P<doc>.+)$")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: object  # literal value, None, or "@setting"
    choices: tuple[str, ...] | None
    doc: str


@dataclass(frozen=True)
class QuerySpec:
    name: str
    description: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    sql: str
    path: Path
    build: str = "table"  # facts: "table" (built once per load) or "update" (of an earlier fact)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def _literal(text: str, type_: str):
    if text == "null":
        return None
    if text.startswith("@"):
        return text
    if text.startswith("'"):
        text = text[1:-1]
    return convert(Param("default", type_, None, None, ""), text)


def parse(path: Path) -> QuerySpec:
    """Parse a query file's header; a malformed header raises QueryError."""
    sql = path.read_text(encoding="utf-8")
    lines = sql.splitlines()
    header = []
    for line in lines:
        if not line.startswith("--"):
            break
        header.append(line)
    if not header or not (m := _HEAD.match(header[0])) or m["name"] != path.stem:
        raise QueryError("query.bad_header", name=path.stem, why="first line must be '-- NAME: description'")
    params, columns, in_columns, build = [], [], False, "table"
    for line in header[1:]:
        if line.startswith("-- build:"):
            in_columns = False
            build = line.split(":", 1)[1].strip()
            if build not in ("table", "update"):
                raise QueryError(
                    "query.bad_header", name=path.stem, why=f"build must be table or update, not {build!r}"
                )
        elif line.startswith("-- param"):
            in_columns = False
            pm = _PARAM.match(line)
            if not pm:
                raise QueryError("query.bad_header", name=path.stem, why=f"cannot read {line!r}")
            choices = tuple(c.strip() for c in pm["choices"].split("|")) if pm["choices"] else None
            params.append(
                Param(pm["name"], pm["type"], _literal(pm["default"], pm["type"]), choices, (pm["doc"] or "").strip())
            )
        elif line.startswith("-- columns:"):
            in_columns = True
            columns += [c.strip() for c in line.split(":", 1)[1].split(",") if c.strip()]
        elif in_columns and line.startswith("--   "):
            columns += [c.strip() for c in line[2:].split(",") if c.strip()]
        else:
            in_columns = False
    body = "\n".join(lines[len(header) :])
    declared = {p.name for p in params}
    used = set(_USED.findall(body))
    if declared != used:
        raise QueryError(
            "query.bad_header", name=path.stem, why=f"declared {sorted(declared)} but the SQL uses {sorted(used)}"
        )
    if not columns:
        raise QueryError("query.bad_header", name=path.stem, why="no '-- columns:' line")
    if build != "table" and params:
        raise QueryError("query.bad_header", name=path.stem, why=f"a {build} takes no parameters")
    return QuerySpec(path.stem, m["doc"].strip(), tuple(params), tuple(columns), sql, path, build)


@cache
def _spec_cached(path: Path, mtime: float) -> QuerySpec:
    return parse(path)


def get_query(name: str, directory: Path = QUERIES_DIR) -> QuerySpec:
    """The query called `name` (QueryError when there is none)."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*(/[a-z_][a-z0-9_]*)?", name or ""):
        raise QueryError("query.unknown", name=name)
    path = directory / f"{name}.sql"
    if not path.is_file():
        raise QueryError("query.unknown", name=name)
    return _spec_cached(path, path.stat().st_mtime)


def list_queries(directory: Path = QUERIES_DIR) -> list[QuerySpec]:
    """Every analysis query (not the fact builders under queries/facts/)."""
    return [get_query(p.stem, directory) for p in sorted(directory.glob("*.sql"))]


def convert(param: Param, value):
    """Convert a raw value (e.g. text from the command line) to the parameter's type."""
    if value is None or (isinstance(value, str) and value.strip() == "" and param.type != "text"):
        return None
    try:
        if param.type == "text":
            out = str(value)
        elif param.type == "int":
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError(value)
            out = int(value)
        elif param.type == "float":
            out = float(value)
        elif param.type == "date":
            if isinstance(value, dt.datetime):
                out = value.date()
            elif isinstance(value, dt.date):
                out = value
            else:
                out = dt.date.fromisoformat(str(value).strip())
        elif param.type == "bool":
            if isinstance(value, bool):
                out = value
            elif str(value).strip().lower() in ("true", "1", "yes", "on"):
                out = True
            elif str(value).strip().lower() in ("false", "0", "no", "off"):
                out = False
            else:
                raise ValueError(value)
        else:  # text[] or float[]
            items = value.split(",") if isinstance(value, str) else list(value)
            out = [str(v).strip() for v in items if str(v).strip()]
            if param.type == "float[]":
                out = [float(v) for v in out]
    except (TypeError, ValueError, OverflowError):
        raise QueryError("query.bad_value", param=param.name, value=str(value), type=param.type) from None
    if param.choices is not None:
        vals = out if isinstance(out, list) else [out]
        bad = [v for v in vals if v not in param.choices]
        if bad:
            raise QueryError("query.bad_choice", param=param.name, value=str(bad[0]), choices=", ".join(param.choices))
    return out


def bind(spec: QuerySpec, values: dict | None, settings: Settings) -> dict:
    """Named parameters for `spec`: defaults applied, values converted and validated."""
    values = dict(values or {})
    unknown = sorted(set(values) - {p.name for p in spec.params})
    if unknown:
        raise QueryError(
            "query.unknown_param", name=spec.name, param=unknown[0], known=", ".join(p.name for p in spec.params) or "-"
        )
    out = {}
    for p in spec.params:
        if p.name in values and values[p.name] is not None:
            out[p.name] = convert(p, values[p.name])
        elif isinstance(p.default, str) and p.default.startswith("@"):
            out[p.name] = convert(p, getattr(settings, p.default[1:]))
        else:
            out[p.name] = p.default
    return out


def run_sql(cursor, spec: QuerySpec, params: dict) -> pd.DataFrame:
    """Execute a bound query on a cursor whose search path sees the facts."""
    df = to_frame(cursor.sql(spec.sql, params=params).to_arrow_table())
    missing = [c for c in spec.columns if c not in df.columns]
    if missing or list(df.columns) != list(spec.columns):
        raise QueryError("query.bad_columns", name=spec.name, want=", ".join(spec.columns), got=", ".join(df.columns))
    return normalise(df)


def stream_sql(cursor, spec: QuerySpec, params: dict, batch_rows: int = 100_000):
    """Execute a bound query and yield its result as frames of at most batch_rows rows (a list of
    millions of customers never has to fit in memory at once); at least one frame, maybe empty."""
    import pyarrow as pa

    reader = cursor.sql(spec.sql, params=params).to_arrow_reader(batch_rows)
    if list(reader.schema.names) != list(spec.columns):
        raise QueryError(
            "query.bad_columns", name=spec.name, want=", ".join(spec.columns), got=", ".join(reader.schema.names)
        )
    empty = True
    for batch in reader:
        empty = False
        yield normalise(to_frame(pa.Table.from_batches([batch])))
    if empty:
        yield normalise(to_frame(reader.schema.empty_table()))


def to_frame(table) -> pd.DataFrame:
    """A query result (Arrow) as a DataFrame: through Arrow, a million-row result with text
    columns converts in a fraction of DuckDB's own `.df()` time. Dates become datetime64 and
    decimals floats, as `.df()` gave them."""
    import pyarrow as pa

    cols = []
    for field in table.schema:
        col = table.column(field.name)
        if pa.types.is_date(field.type):
            col = col.cast(pa.timestamp("us"))
        elif pa.types.is_decimal(field.type):
            col = col.cast(pa.float64())
        cols.append(col)
    return pa.table(cols, names=table.schema.names).to_pandas()


def normalise(df: pd.DataFrame) -> pd.DataFrame:
    """Decimals to floats, so every consumer sees plain numbers."""
    for col in df.columns:
        if df[col].dtype != object or not len(df):
            continue
        # a column holds one SQL type: its first value says (mapping every value of a
        # million-row text column took seconds)
        first = df[col].first_valid_index()
        if first is not None and type(df[col].at[first]).__name__ == "Decimal":
            df[col] = df[col].astype("float64")
    return df
