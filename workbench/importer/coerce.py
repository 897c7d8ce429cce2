"""Coercing a source file's text columns into one canonical table, in SQL, and finding every bad value.

Values are coerced the way Japanese exports write them: dates as 2024/3/5 or 2024年3月5日, amounts
with ¥/円 and commas, full-width digits, status words in Japanese (`synonyms.VALUE_WORDS`). A value
that is present but does not coerce is a problem, reported with its row and the raw text.
"""

from __future__ import annotations

from .. import synonyms
from ..contract import BOOL, DATE, DECIMAL, INT, TABLES, TIMESTAMP
from ..errors import Problem
from ..quoting import ident, literal
from .encoding import EXAMPLES
from .mapping import norm
from .source import Source

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
    lst = "[" + ", ".join(literal(f) for f in fmts) + "]"
    return f"coalesce(try_strptime({s}, {lst}), try_cast({_clean(q)} as TIMESTAMP))"


def _words_sql(words: dict[str, tuple[str, ...]]) -> str:
    pairs = {}
    for canon, ws in words.items():
        pairs[norm(canon)] = canon
        for w in ws:
            pairs.setdefault(norm(w), canon)
    return "MAP {" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in pairs.items()) + "}"


def coerce_expr(table: str, col, q: str) -> tuple[str, str]:
    """(coerced SQL of the quoted raw column `q`, problem code when a present value does not coerce)."""
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
        t = ", ".join(literal(norm(w)) for w in synonyms.TRUE_WORDS)
        f = ", ".join(literal(norm(w)) for w in synonyms.FALSE_WORDS)
        n = f"lower(replace(nfc_normalize({_clean(q)}), ' ', ''))"
        return f"case when {n} in ({t}) then true when {n} in ({f}) then false end", "bad_bool"
    if key in synonyms.VALUE_WORDS:
        n = f"lower(replace({_clean(q)}, ' ', ''))"
        return f"{_words_sql(synonyms.VALUE_WORDS[key])}[{n}]", "unknown_value"
    if col.allowed:
        return (
            f"case when {_clean(q)} in ({', '.join(literal(a) for a in col.allowed)}) then {_clean(q)} end",
            "unknown_value",
        )
    return f"trim({q})", ""


def check_and_stage(src: Source, table: str, mapping: dict[str, str]) -> tuple[int, list[Problem]]:
    """Coerce `src` into the table `canon` (in src.con) as canonical `table`; its rows and every problem found."""
    con, tbl, label = src.con, TABLES[table], src.label
    problems: list[Problem] = []
    for c in tbl.columns:
        if c.required and c.name not in mapping:
            words = (c.name,) + synonyms.HEADERS.get(table, {}).get(c.name, ())
            problems.append(Problem("missing_column", file=label, column=c.name, info=", ".join(words)))
    for col, h in mapping.items():
        if col not in tbl.column_names:
            problems.append(Problem("unknown_column", file=label, column=col, info=", ".join(tbl.column_names)))
        elif h not in src.headers:
            problems.append(Problem("no_header", file=label, column=col, info=h))
    if problems:
        return 0, problems
    sel, checks = ["rowid + 2 as _row"], []
    for c in tbl.columns:
        if c.name in mapping:
            q = ident(mapping[c.name])
            expr, code = coerce_expr(table, c, q)
            sel.append(f"{expr} as {ident(c.name)}")
            sel.append(f"{q} as {ident('_raw_' + c.name)}")
            checks.append((c, code))
        else:
            sel.append(f"cast(null as {c.type}) as {ident(c.name)}")
    con.execute(f"create table canon as select {', '.join(sel)} from {src.view}")

    def collect(code, col, where, value=None):
        value = value or f"coalesce({ident('_raw_' + col)}, '')"
        n, ex = con.execute(
            f"select count(*), list([cast(_row as varchar), {value}] order by _row)[1:{EXAMPLES}] "
            f"from canon where {where}"
        ).fetchone()
        if n:
            problems.append(Problem(code, file=label, column=col, count=n, examples=tuple((int(r), v) for r, v in ex)))

    for c, code in checks:
        q, raw = ident(c.name), ident("_raw_" + c.name)
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
