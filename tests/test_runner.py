"""The query runner: headers, parameter validation, binding."""

import datetime as dt
from pathlib import Path

import pytest

from workbench import runner
from workbench.errors import QueryError
from workbench.settings import Settings


def write(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / f"{name}.sql").write_text(text, encoding="utf-8")
    return tmp_path


def test_every_query_file_parses_and_declares_what_it_uses():
    specs = runner.list_queries()
    assert "new_repeat_mix" in [s.name for s in specs]
    for spec in specs:
        assert spec.description and spec.columns
        for p in spec.params:
            assert p.doc, f"{spec.name}.{p.name} has no description"


def test_header_parse(tmp_path):
    d = write(
        tmp_path,
        "q",
        "-- q: a test\n-- param n int = 3: a number\n-- param g text = 'a' {a|b}: pick\n"
        "-- columns: x,\n--   y\nselect $n as x, $g as y\n",
    )
    spec = runner.get_query("q", d)
    assert [p.name for p in spec.params] == ["n", "g"]
    assert spec.param("g").choices == ("a", "b")
    assert spec.columns == ("x", "y")


def test_declared_and_used_parameters_must_match(tmp_path):
    d = write(tmp_path, "q", "-- q: a test\n-- param n int = 3: a number\n-- columns: x\nselect $m as x\n")
    with pytest.raises(QueryError) as exc:
        runner.get_query("q", d)
    assert exc.value.key == "query.bad_header"


def test_bind_defaults_settings_and_conversion():
    spec = runner.get_query("new_repeat_mix")
    bound = runner.bind(spec, {"start": "2024-01-01"}, Settings(reacquire_days=100))
    assert bound == {"grain": "month", "start": dt.date(2024, 1, 1), "end": None, "reacquire_days": 100}


@pytest.mark.parametrize(
    "params,key",
    [
        ({"nope": "1"}, "query.unknown_param"),
        ({"grain": "fortnight"}, "query.bad_choice"),
        ({"start": "2024-13-01"}, "query.bad_value"),
        ({"reacquire_days": "ten"}, "query.bad_value"),
        ({"reacquire_days": "1.5"}, "query.bad_value"),
    ],
)
def test_bad_parameters(params, key):
    with pytest.raises(QueryError) as exc:
        runner.bind(runner.get_query("new_repeat_mix"), params, Settings())
    assert exc.value.key == key
    assert exc.value.message("ja") != key and exc.value.message("en") != key


def test_unknown_query_and_path_tricks():
    for name in ("nope", "../etc/passwd", "facts/../x", ""):
        with pytest.raises(QueryError):
            runner.get_query(name)


def test_injection_text_is_bound_not_spliced():
    from workbench import dataset, testdata

    ds = dataset.load_frames(testdata.new_repeat_golden())
    with pytest.raises(QueryError):
        ds.run("new_repeat_mix", {"grain": "month'); drop table orders; --"})
    assert ds.row_counts["orders"] == ds.con.execute("select count(*) from orders").fetchone()[0]


def test_a_fact_may_be_an_update_of_an_earlier_one(tmp_path):
    d = write(tmp_path, "v", "-- v: an update\n-- build: update\n-- columns: x\nupdate t set x = 1\n")
    assert runner.get_query("v", d).build == "update"
    d = write(tmp_path, "t", "-- t: a table\n-- columns: x\nselect 1 as x\n")
    assert runner.get_query("t", d).build == "table"
    bad = write(tmp_path, "w", "-- w: bad\n-- build: index\n-- columns: x\nselect 1 as x\n")
    with pytest.raises(QueryError):
        runner.get_query("w", bad)
    with_params = write(
        tmp_path, "p", "-- p: an update\n-- build: update\n-- param n int = 1: n\n-- columns: x\nupdate t set x = $n\n"
    )
    with pytest.raises(QueryError):
        runner.get_query("p", with_params)
