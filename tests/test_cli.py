"""The command line contract: names, output and exit codes."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from workbench import testdata

ROOT = Path(__file__).resolve().parents[1]


def cli(*args, lang="en"):
    return subprocess.run(
        [sys.executable, "-m", "workbench", "--lang", lang, *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def golden_dir(tmp_path_factory):
    return testdata.write_folder(tmp_path_factory.mktemp("golden"), testdata.new_repeat_golden())


def test_query_list():
    r = cli("query", "--list")
    assert r.returncode == 0
    names = [line.split("\t")[0] for line in r.stdout.splitlines()]
    assert "new_repeat_mix" in names
    assert all("\t" in line for line in r.stdout.splitlines())


def test_query_csv_plain_numbers_iso_dates(golden_dir):
    r = cli("query", "new_repeat_mix", "--data", golden_dir, "--param", "start=2024-01-01")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == (
        "period,buyers,new_customers,repeat_customers,reacquired_customers,repeat_2nd,"
        "repeat_3_9,repeat_10plus,orders,sales,new_sales,repeat_sales"
    )
    assert lines[1] == "2024-01-01,4,1,3,1,1,1,0,6,5600.0,3000.0,2600.0"
    assert lines[2] == "2024-02-01,3,1,2,0,0,1,1,3,1400.0,800.0,600.0"


def test_query_json_and_as_of(golden_dir):
    r = cli(
        "query",
        "new_repeat_mix",
        "--data",
        golden_dir,
        "--as-of",
        "2024-01-31",
        "--param",
        "start=2024-01-01",
        "--format",
        "json",
    )
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert [x["period"] for x in rows] == ["2024-01-01"]
    assert rows[0]["buyers"] == 4


def test_cli_matches_the_library(golden_dir):
    from workbench import dataset, export

    r = cli("query", "new_repeat_mix", "--data", golden_dir, "--param", "grain=week")
    ds = dataset.load_folder(golden_dir)
    assert r.stdout == export.to_csv(ds.run("new_repeat_mix", {"grain": "week"}))


@pytest.mark.parametrize(
    "args,needle",
    [
        (("query", "nope", "--data", "{d}"), "no query called 'nope'"),
        (("query", "new_repeat_mix", "--data", "{d}", "--param", "grain=fortnight"), "not allowed"),
        (("query", "new_repeat_mix", "--data", "{d}", "--param", "bogus=1"), "has no parameter 'bogus'"),
        (("query", "new_repeat_mix", "--data", "{d}", "--param", "start=yesterday"), "not a valid date"),
        (("query", "new_repeat_mix", "--data", "{d}", "--param", "novalue"), "KEY=VALUE"),
        (("query", "new_repeat_mix", "--data", "{d}", "--as-of", "2024-02-30"), "not a date"),
        (("query", "new_repeat_mix", "--data", "/no/such/folder"), "does not exist"),
        (("validate", "--data", "/no/such/folder"), "does not exist"),
    ],
)
def test_usage_errors_exit_2(golden_dir, args, needle):
    r = cli(*[a.format(d=golden_dir) for a in args])
    assert r.returncode == 2
    assert needle in r.stderr
    assert "Traceback" not in r.stderr


def test_validate_ok(golden_dir):
    r = cli("validate", "--data", golden_dir)
    assert r.returncode == 0, r.stderr
    assert "orders: 21 rows OK" in r.stdout
    assert "20 counted orders, 5 customers" in r.stdout


def test_validate_reports_contract_violations_exit_2(tmp_path):
    df = testdata.orders([("o1", "c1", "2024-01-01", 10, "delivered"), ("o1", "c1", "2024-01-02", -1, "weird")])
    testdata.write_folder(tmp_path, {"orders": df})
    r = cli("validate", "--data", tmp_path)
    assert r.returncode == 2
    assert "orders.order_id: 2 rows with a duplicated value (e.g. o1)" in r.stderr
    assert "orders.total_amount: 1 rows with a negative value" in r.stderr
    assert "orders.status: 1 rows with an unknown value (e.g. weird)" in r.stderr
    # the same in Japanese by default
    r = cli("validate", "--data", tmp_path, lang="ja")
    assert "重複した値" in r.stderr and r.returncode == 2


def test_query_on_bad_dataset_exit_2(tmp_path):
    testdata.write_folder(tmp_path, {"orders": testdata.orders([("o1", "c1", "2024-01-01", -10, "delivered")])})
    r = cli("query", "new_repeat_mix", "--data", tmp_path)
    assert r.returncode == 2 and "negative" in r.stderr


def test_sample_is_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert cli("sample", "--out", a, "--customers", "200", "--seed", "3").returncode == 0
    assert cli("sample", "--out", b, "--customers", "200", "--seed", "3").returncode == 0
    files = sorted(p.name for p in a.glob("*.parquet"))
    assert "orders.parquet" in files
    for f in files:
        assert (a / f).read_bytes() == (b / f).read_bytes()
    assert cli("validate", "--data", a).returncode == 0


def test_argparse_usage_error_exit_2():
    assert cli("query", "new_repeat_mix").returncode == 2  # no --data
    assert cli("frobnicate").returncode == 2


def test_query_streams_a_list_in_batches_with_the_same_text(golden_dir):
    """The command line writes a query's result a batch at a time (an extraction list of millions
    of customers never sits in memory whole): the same CSV and JSON as for the result in one frame."""

    from workbench import dataset, export

    ds = dataset.load_folder(golden_dir)
    for name in ("new_repeat_mix", "extract_customers", "customer_abc_curve"):
        df = ds.run(name)
        for batch_rows in (1, 2, 100_000):
            csv, js = io.StringIO(), io.StringIO()
            assert export.write_csv(ds.stream(name, batch_rows=batch_rows), csv) == len(df)
            export.write_json(ds.stream(name, batch_rows=batch_rows), js)
            assert csv.getvalue() == export.to_csv(df) and js.getvalue() == export.to_json(df), (name, batch_rows)
    r = cli("query", "extract_customers", "--data", golden_dir, "--format", "json")
    assert json.loads(r.stdout) == json.loads(export.to_json(ds.run("extract_customers")))


@pytest.mark.parametrize("folder", ["o'brien", 'say "hi"', "shop [2024] 50%"])
def test_paths_with_quotes_work_everywhere(tmp_path, folder):
    """File paths are bound as parameters, never written into SQL: a quote in a folder's name is just a character."""
    base = tmp_path / folder
    shop = base / "shop"
    r = cli("sample", "--out", shop, "--customers", "40")
    assert r.returncode == 0, r.stderr
    r = cli("validate", "--data", shop)
    assert r.returncode == 0 and "orders:" in r.stdout, r.stderr
    r = cli("query", "sales_summary", "--data", shop, "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout), r.stderr
    src = base / "受注 'export'.csv"
    src.write_text(
        '注文番号,会員番号,注文日時,合計金額\nA1,K1,2024/3/5,"1,200"\nA2,K2,2024/3/6,500\n', encoding="utf-8"
    )
    r = cli("import", "--table", "orders", "--source", src, "--into", base / "imported")
    assert r.returncode == 0, r.stderr
    r = cli("validate", "--data", base / "imported")
    assert r.returncode == 0 and "orders: 2 rows OK" in r.stdout, r.stderr


@pytest.mark.parametrize("lang,needle", [("en", "Cannot read or write"), ("ja", "読み書きできません")])
def test_a_path_that_cannot_be_written_exits_2_with_a_message(tmp_path, lang, needle):
    blocker = tmp_path / "o'brien"
    blocker.write_text("a file where a folder should be")
    for args in (
        ("sample", "--out", blocker, "--customers", "5"),
        ("import", "--table", "orders", "--source", blocker, "--into", blocker / "sub"),
    ):
        r = cli(*args, lang=lang)
        assert r.returncode == 2, (args, r.stderr)
        assert needle in r.stderr and "o'brien" in r.stderr and "Traceback" not in r.stderr
