"""The command line: `python -m workbench sample|validate|query|import|bench …`.

Exit codes: 0 success, 2 for anything the user can fix (unknown query, bad parameter, a dataset
that fails the contract), with a message in the UI language on stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from . import export, runner
from .errors import QueryError, WorkbenchError
from .i18n import t
from .settings import SettingsError, load_settings

EXIT_USAGE = 2


def _lang(args) -> str:
    return args.lang or os.environ.get("WORKBENCH_LANG") or "ja"


def _settings(args):
    settings = load_settings(getattr(args, "settings", None))
    if getattr(args, "as_of", None):
        try:
            settings = settings.replace(as_of=dt.date.fromisoformat(args.as_of))
        except ValueError:
            raise WorkbenchError("dataset.bad_as_of", value=args.as_of) from None
    return settings


def cmd_sample(args) -> int:
    if args.orders is not None:
        # a big shop: the sample replicated in DuckDB to exactly --orders orders, as part files
        from .bigsample import DEFAULT_BLOCK
        from .bigsample import write as write_big

        if args.orders < 1:
            raise WorkbenchError("cli.bad_orders", value=str(args.orders))
        counts = write_big(args.out, orders=args.orders, customers=args.customers or DEFAULT_BLOCK, seed=args.seed)
    else:
        from .sample import write

        counts = write(args.out, customers=args.customers or 3000, seed=args.seed)
    for table, rows in counts.items():
        print(f"{table}: {rows}")
    return 0


def cmd_validate(args) -> int:
    from .dataset import ContractError, load_folder

    lang = _lang(args)
    try:
        ds = load_folder(args.data, _settings(args))
    except ContractError as exc:
        print(exc.message(lang), file=sys.stderr)
        print(exc.report(lang), file=sys.stderr)
        return EXIT_USAGE
    for table in ds.present:
        print(t("cli.valid", lang, table=table, rows=f"{ds.row_counts[table]:,}"))
    settings = _settings(args)
    cur = ds.cursor(settings)
    orders, customers = cur.execute("select count(*), count(distinct customer_id) from order_fact").fetchone()
    print(t("cli.facts", lang, as_of=ds.as_of(settings).isoformat(), orders=f"{orders:,}", customers=f"{customers:,}"))
    return 0


def parse_params(pairs: list[str]) -> dict:
    out = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QueryError("query.bad_param_syntax", text=pair)
        out[key.strip()] = value
    return out


def cmd_query(args) -> int:
    if args.list:
        for spec in runner.list_queries():
            print(f"{spec.name}\t{spec.description}")
        return 0
    if not args.name:
        raise QueryError("query.unknown", name="")
    from .dataset import load_folder

    spec = runner.get_query(args.name)
    params = parse_params(args.param)
    settings = _settings(args)
    runner.bind(spec, params, settings)  # parameter errors before the (slower) load
    ds = load_folder(args.data, settings)
    # streamed: an extraction list of millions of customers is written a batch at a time
    batches = ds.stream(spec.name, params, settings)
    if args.format == "json":
        export.write_json(batches, sys.stdout)
        sys.stdout.write("\n")
    else:
        export.write_csv(batches, sys.stdout)
    return 0


def cmd_import(args) -> int:
    from .errors import ImportFailed, Problem
    from .importer import run_import

    lang = _lang(args)
    mapping = {}
    for pair in args.map or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ImportFailed([Problem("bad_map", file=Path(args.source).name, info=pair)])
        mapping[key.strip()] = value.strip()
    res = run_import(args.table, args.source, args.into, args.encoding, mapping, args.sheet)
    print(
        t("import.done", lang, table=res.table, rows=f"{res.rows:,}", encoding=res.encoding or "-", path=str(res.path))
    )
    print(t("import.mapping", lang, mapping=", ".join(f"{k}←{v}" for k, v in res.mapping.items())))
    if res.ignored:
        print(t("import.ignored", lang, columns=", ".join(res.ignored)))
    return 0


def cmd_bench(args) -> int:
    from . import bench

    info = bench.machine()
    print(f"{info['cores']} cores, {info['memory_gib']} GiB, {info['date']}")
    results = []
    for n in args.orders:
        print(f"{n:,} orders")
        results.append(
            bench.run_size(
                n,
                args.data_root,
                warm_runs=args.warm_runs,
                pandas_check=not args.no_pandas,
                seed=args.seed,
                memory_limit=args.memory_limit,
                temp_dir=args.temp_dir,
                load_runs=args.load_runs,
            )
        )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(bench.markdown(results, info), encoding="utf-8")
        print(f"results: {args.out}")
    unequal = [c.name for r in results for c in r.comparisons if not c.equal]
    if unequal:
        print("pandas and workbench differ: " + ", ".join(unequal), file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m workbench", description="Repeat-commerce analyst workbench")
    ap.add_argument("--lang", choices=("ja", "en"), help="message language (default ja, or $WORKBENCH_LANG)")
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("sample", help="write the deterministic sample shop")
    p.add_argument("--out", required=True, type=Path)
    p.add_argument(
        "--customers",
        type=int,
        default=None,
        help="customers in the sample (default 3000); with --orders, in the replicated block (default 20000)",
    )
    p.add_argument(
        "--orders", type=int, default=None, help="exactly this many orders, written as Parquet part files (benchmarks)"
    )
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("validate", help="check a dataset folder against the data contract")
    p.add_argument("--data", required=True, type=Path)
    p.add_argument("--as-of")
    p.add_argument("--settings", help="settings TOML file")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("query", help="run an analysis query")
    p.add_argument("name", nargs="?")
    p.add_argument("--list", action="store_true", help="list the queries")
    p.add_argument("--data", type=Path)
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--as-of")
    p.add_argument("--settings", help="settings TOML file")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("bench", help="benchmark load, facts and every query on big generated shops")
    p.add_argument("--orders", type=int, nargs="+", default=[10_000_000], help="sizes in orders (default 10000000)")
    p.add_argument("--data-root", type=Path, default=Path("bench"), help="where generated shops are kept")
    p.add_argument("--out", type=Path, help="write the results as Markdown here (e.g. bench/results.md)")
    p.add_argument("--warm-runs", type=int, default=2)
    p.add_argument(
        "--load-runs",
        type=int,
        default=3,
        help="builds of load + facts, the median reported (a dataset in a database file: one)",
    )
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--memory-limit", help="DuckDB memory_limit (default 60%% of the machine)")
    p.add_argument("--temp-dir", type=Path, help="DuckDB temp_directory for spilling")
    p.add_argument("--no-pandas", action="store_true", help="skip the pandas comparison")
    p.set_defaults(func=cmd_bench)

    from .contract import TABLES
    from .importer import ENCODINGS

    p = sub.add_parser("import", help="import a CSV/TSV/Excel/Parquet export into one canonical table")
    p.add_argument("--table", required=True, choices=list(TABLES))
    p.add_argument("--source", required=True, type=Path)
    p.add_argument("--encoding", default="auto", choices=("auto",) + ENCODINGS)
    p.add_argument("--map", action="append", default=[], metavar="CANONICAL=SOURCE")
    p.add_argument("--sheet")
    p.add_argument("--into", required=True, type=Path)
    p.set_defaults(func=cmd_import)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "query" and not args.list and args.data is None:
        build_parser().error("query needs --data DIR")
    try:
        return args.func(args)
    except WorkbenchError as exc:
        print(exc.message(_lang(args)), file=sys.stderr)
        if hasattr(exc, "report"):
            print(exc.report(_lang(args)), file=sys.stderr)
        return EXIT_USAGE
    except SettingsError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # a folder that cannot be made or written, a file that cannot be read
        why = exc.strerror or type(exc).__name__
        print(t("cli.os_error", _lang(args), path=exc.filename or "-", why=why), file=sys.stderr)
        return EXIT_USAGE
