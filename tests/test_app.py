"""Streamlit AppTest: every page renders in both languages without an exception or error box."""

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages" / "views").glob("[0-9][0-9]_*.py"))


SHELL = ROOT / "tests" / "apptest" / "shell.py"


def open_app(lang: str = "ja", timeout: int = 120) -> AppTest:
    """Run the entry script: the shell with its sidebar and the default page."""
    at = AppTest.from_file(str(SHELL), default_timeout=timeout)
    at.session_state["lang"] = lang
    at.run()
    return at


def open_page(page: str, lang: str = "ja", timeout: int = 120) -> AppTest:
    """Open a page through the shell, as a user who clicks it in the navigation."""
    at = open_app(lang, timeout)
    at.switch_page(str(Path("..") / ".." / page))  # relative to the shell's folder
    at.run()
    return at


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_renders(page, lang):
    at = open_page(page, lang)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.title, "page has no title"


def test_new_repeat_shows_table_and_metrics():
    at = open_page("pages/views/10_new_repeat.py")
    assert at.title[0].value == "新規・リピート分析"
    assert len(at.metric) >= 9
    labels = [m.label for m in at.metric]
    assert "新規顧客" in labels and "再獲得" in labels
    assert len(at.dataframe) == 1
    df = at.dataframe[0].value
    assert (df.new_customers + df.repeat_customers == df.buyers).all()


def test_new_repeat_grain_widget_changes_table():
    at = open_page("pages/views/10_new_repeat.py", "en")
    months = len(at.dataframe[0].value)
    at.selectbox(key="nr_grain").set_value("year").run()
    years = at.dataframe[0].value
    assert len(years) < months
    assert all(p.month == 1 and p.day == 1 for p in years["period"])


def test_shell_sidebar_and_language_switch():
    at = open_app("ja")
    assert not at.exception
    assert at.sidebar.selectbox(key="lang").value == "ja"
    assert "サンプル" in at.sidebar.caption[0].value or "sample" in at.sidebar.caption[0].value
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert not at.exception
    assert at.sidebar.multiselect(key="setting_counted_statuses").label == "Statuses counted as a purchase"


def test_bad_folder_path_gives_message_and_keeps_data(tmp_path):
    at = open_app("en")
    before = at.sidebar.caption[0].value
    at.sidebar.radio(key="dataset_choice").set_value("folder").run()
    at.sidebar.text_input(key="dataset_path").input(str(tmp_path / "missing")).run()
    at.sidebar.button(key="dataset_load").click().run()
    assert not at.exception
    assert any("does not exist" in e.value for e in at.error)
    assert at.sidebar.caption[0].value == before


def test_loading_a_parquet_folder_switches_the_dataset(tmp_path):
    from workbench import testdata

    testdata.write_folder(tmp_path, testdata.new_repeat_golden())
    at = open_app("en")
    at.sidebar.radio(key="dataset_choice").set_value("folder").run()
    at.sidebar.text_input(key="dataset_path").input(str(tmp_path)).run()
    at.sidebar.button(key="dataset_load").click().run()
    assert not at.exception
    assert "21 orders" in at.sidebar.caption[0].value


def test_as_of_in_sidebar_limits_the_data():
    import datetime as dt

    at = open_app("en")
    at.sidebar.date_input(key="setting_as_of").set_value(dt.date(2025, 6, 30)).run()
    assert not at.exception
    at.switch_page("../../pages/views/10_new_repeat.py").run()
    assert at.dataframe[0].value["period"].max() == pd.Timestamp("2025-06-01")


def test_empty_filters_say_so_plainly():
    import datetime as dt

    at = open_page("pages/views/10_new_repeat.py", "en")
    at.date_input(key="nr_start").set_value(dt.date(2030, 1, 1)).run()
    assert not at.exception and not at.error
    assert any("No data for these filters" in i.value for i in at.info)
    assert not at.dataframe  # no table of nothing
