"""Hosted instance: config, limits, the SQL sandbox (refusals, timeout, row cap), saved queries, login gate."""

import time

import pytest

from workbench import config, dataset, runner, sandbox, testdata, userqueries
from workbench.errors import WorkbenchError
from workbench.settings import Settings

# ------------------------------------------------------------------ config


def test_defaults_without_file(tmp_path, monkeypatch):
    monkeypatch.delenv(config.ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert config.load() == config.Config()
    assert config.Config().auth == "none"


def test_config_file_from_env(tmp_path, monkeypatch):
    p = tmp_path / "wb.toml"
    p.write_text('[data]\nread_only = true\n[limits]\nquery_seconds = 3\nupload_mb = 1\n[auth]\nmode = "password"\n')
    monkeypatch.setenv(config.ENV, str(p))
    cfg = config.load()
    assert (cfg.read_only, cfg.query_seconds, cfg.upload_bytes, cfg.auth) == (True, 3, 1024 * 1024, "password")


@pytest.mark.parametrize(
    "body", ["[limits]\nbogus = 1\n", "[nope]\n", '[auth]\nmode = "ldap"\n', "[limits]\nquery_seconds = 0\n"]
)
def test_bad_config_refused(tmp_path, body):
    p = tmp_path / "wb.toml"
    p.write_text(body)
    with pytest.raises(config.ConfigError):
        config.load(p)


def test_missing_explicit_config_refused(tmp_path):
    with pytest.raises(config.ConfigError):
        config.load(tmp_path / "absent.toml")


# ------------------------------------------------------------------ limits


def test_upload_size_limit_message():
    cfg = config.Config(upload_mb=1)
    config.check_upload_size(1024 * 1024, cfg)  # exactly at the limit: fine
    with pytest.raises(config.LimitError) as e:
        config.check_upload_size(3 * 1024 * 1024, cfg)
    assert e.value.message("en") == "The file is too large (3 MB); the limit is 1 MB."
    assert "上限は1MB" in e.value.message("ja")


def test_row_limit_message():
    cfg = config.Config(upload_rows=10)
    config.check_rows({"orders": 10}, cfg)
    with pytest.raises(config.LimitError) as e:
        config.check_rows({"orders": 10, "order_items": 11}, cfg)
    assert e.value.message("en") == "order_items has 11 rows, over the limit of 10."


# ------------------------------------------------------------------ sandbox


@pytest.fixture(scope="module")
def snap(tmp_path_factory):
    # 3 orders of 2 customers (c1 twice): order_fact has 3 rows, customer_fact 2.
    ds = dataset.load_frames(
        {
            "orders": testdata.orders(
                [
                    ("o1", "c1", "2025-01-05", 1000, "shipped"),
                    ("o2", "c1", "2025-02-05", 2000, "shipped"),
                    ("o3", "c2", "2025-02-10", 500, "shipped"),
                ]
            )
        }
    )
    return sandbox.snapshot(ds, Settings(as_of=None).replace(as_of=ds.default_as_of), tmp_path_factory.mktemp("snap"))


REFUSED = {
    "read_csv('/etc/passwd')": ("select * from read_csv('/etc/passwd')", "sql.file_function"),
    "read_parquet": ("select * from read_parquet('x.parquet')", "sql.file_function"),
    "read_text": ("select content from read_text('/etc/passwd')", "sql.file_function"),
    "quoted path in FROM": ("select * from '/etc/passwd'", "sql.file_path"),
    "quoted path in JOIN": ("select * from orders join 'x.csv' on true", "sql.file_path"),
    "quoted path after comma": ("select * from orders, 'x.csv'", "sql.file_path"),
    "glob": ("select * from glob('/*')", "sql.file_function"),
    "ATTACH": ("attach '/tmp/x.db' as x", "sql.not_select"),
    "DETACH": ("detach x", "sql.not_select"),
    "COPY": ("copy orders to '/tmp/x.csv'", "sql.not_select"),
    "COPY query": ("copy (select 1) to '/tmp/x.csv'", "sql.not_select"),
    "EXPORT": ("export database '/tmp/x'", "sql.not_select"),
    "INSTALL": ("install httpfs", "sql.not_select"),
    "LOAD": ("load httpfs", "sql.not_select"),
    "SET": ("set enable_external_access = true", "sql.not_select"),
    "RESET": ("reset memory_limit", "sql.not_select"),
    "PRAGMA": ("pragma enable_profiling", "sql.not_select"),
    "CALL": ("call pragma_version()", "sql.not_select"),
    "CREATE": ("create table x as select 1", "sql.not_select"),
    "INSERT": ("insert into orders select * from orders", "sql.not_select"),
    "UPDATE": ("update orders set amount = 0", "sql.not_select"),
    "DELETE": ("delete from orders", "sql.not_select"),
    "DROP": ("drop table orders", "sql.not_select"),
    "USE": ("use memory", "sql.not_select"),
    "multi-statement": ("select 1; select 2", "sql.multi"),
    "multi with write": ("select 1; drop table orders", "sql.multi"),
    "empty": ("  ", "sql.empty"),
    "syntax": ("selec 1", "sql.syntax"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_forbidden_statements_refused_by_the_check(case):
    sql, key = REFUSED[case]
    with pytest.raises(sandbox.SandboxError) as e:
        sandbox.check(sql)
    assert e.value.key == key
    assert e.value.message("en") and "{" not in e.value.message("en")


@pytest.mark.parametrize(
    "sql",
    [
        "select 1",
        "with a as (select 1 as x) select * from a",
        "from orders",
        "select 'a/b.csv' as s from orders",
        "select * from orders where status = 'x.csv'",
        "select 1;",
    ],
)
def test_plain_selects_pass_the_check(sql):
    assert sandbox.check(sql)


def test_select_runs_on_facts(snap):
    r = sandbox.run("select customer_id, orders, sales from customer_fact order by 1", snap, timeout=60)
    assert r.frame.to_dict("list") == {"customer_id": ["c1", "c2"], "orders": [2, 1], "sales": [3000.0, 500.0]}
    assert not r.truncated


def test_snapshot_holds_every_fact(snap):
    """The scratchpad sees the same derived facts as the pages (contract_fact included)."""
    from workbench.dataset import FACTS

    for name in FACTS:
        assert sandbox.run(f"select count(*) as n from {name}", snap, timeout=60).frame.columns.tolist() == ["n"]


@pytest.mark.parametrize(
    "sql",
    [
        "select content from read_text('/etc/passwd')",
        "set threads = 8",
        "attach '/tmp/wb_evil.db' as e",
        "copy (select 1) to '/tmp/wb_evil.csv'",
        "install httpfs",
        "create table x as select 1",
    ],
)
def test_worker_config_blocks_what_the_check_would_miss(snap, monkeypatch, sql):
    """Defence in depth: with the static check bypassed, the locked worker still refuses."""
    monkeypatch.setattr(sandbox, "check", lambda s: s)
    with pytest.raises(sandbox.SandboxError) as e:
        sandbox.run(sql, snap, timeout=60)
    assert e.value.key == "sql.failed"


def test_row_cap(snap):
    r = sandbox.run("select * from range(25)", snap, row_cap=10, timeout=60)
    assert len(r.frame) == 10 and r.truncated
    r = sandbox.run("select * from range(10)", snap, row_cap=10, timeout=60)
    assert len(r.frame) == 10 and not r.truncated


def test_runaway_query_interrupted_within_timeout(snap):
    timeout = 2.0
    started = time.monotonic()
    with pytest.raises(sandbox.SandboxError) as e:
        sandbox.run("select count(*) from range(1000000000) a, range(1000000000) b", snap, timeout=timeout)
    elapsed = time.monotonic() - started
    assert e.value.key == "sql.timeout"
    assert elapsed < timeout + 3.0
    assert "2-second limit" in e.value.message("en")


def test_snapshot_is_read_only_copy(snap):
    with pytest.raises(sandbox.SandboxError):
        sandbox.run("select * from orders", snap.with_name("missing.duckdb"), timeout=60)


# ------------------------------------------------------------------ saved queries


def test_save_scratchpad_query_as_named_query(tmp_path):
    path = userqueries.save(
        "select customer_id, sales from customer_fact;",
        "top_customers",
        "Top customers",
        ["customer_id", "sales"],
        tmp_path,
    )
    spec = runner.parse(path)
    assert (
        spec.name == "top_customers"
        and spec.columns == ("customer_id", "sales")
        and spec.description == "Top customers"
    )
    assert path.read_text().startswith("-- top_customers: Top customers\n-- columns: customer_id, sales\n")


@pytest.mark.parametrize(
    "name,sql,key",
    [
        ("Bad-Name", "select 1", "sql.bad_name"),
        ("ok_name", "drop table orders", "sql.not_select"),
        ("new_repeat_mix", "select 1", "sql.exists"),
    ],
)
def test_save_refuses(tmp_path, name, sql, key):
    with pytest.raises(WorkbenchError) as e:
        userqueries.save(sql, name, "", ["x"], tmp_path)
    assert e.value.key == key


# ------------------------------------------------------------------ pages (AppTest)


def test_sql_page_runs_a_select_and_refuses_a_write():
    from tests.test_app import open_page

    at = open_page("pages/views/90_sql.py", "en")
    assert at.title[0].value == "SQL scratchpad"
    at.text_area(key="sql_text").set_value("select count(*) as n from order_fact")
    at.button(key="sql_run").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.dataframe[0].value["n"].iloc[0] > 0
    at.text_area(key="sql_text").set_value("drop table orders")
    at.button(key="sql_run").click()
    at.run()
    assert "Only SELECT statements can run (DROP is refused)" in at.error[0].value


def test_password_gate_shows_nothing_before_login(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.test_app import SHELL

    monkeypatch.setattr(config, "current", lambda: config.Config(auth="password"))
    at = AppTest.from_file(str(SHELL), default_timeout=120)
    at.secrets["workbench_password"] = "s3cret"
    at.run()
    assert [t.value for t in at.title] == ["ログイン"]
    assert not at.dataframe and not at.metric and not at.sidebar.selectbox
    at.text_input(key="auth_password").set_value("wrong")
    at.button[0].click()
    at.run()
    assert at.error[0].value == "パスワードが違います。" and not at.dataframe
    at.text_input(key="auth_password").set_value("s3cret")
    at.button[0].click()
    at.run()
    assert not at.exception
    assert at.title[0].value != "ログイン" and at.metric
