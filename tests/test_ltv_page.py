"""AppTest of the LTV・ROAS page on the sample shop."""

from tests.test_app import open_page

PAGE = "pages/views/40_ltv.py"


def test_ltv_page_tables_and_what_if():
    at = open_page(PAGE, "ja")
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    frames = [d.value for d in at.dataframe]
    cols = [list(f.columns) for f in frames]
    assert any("cumulative_sales_per_customer" in c for c in cols)
    roas = next(f for f in frames if "break_even_cpo" in f.columns)
    kpi = next(f for f in frames if "passed" in f.columns)
    assert len(kpi) == 4
    # what-if: a 200% ROAS target halves the allowed CPO, computed by the query
    before = roas.set_index("cohort")["break_even_cpo"].dropna()
    at.number_input(key="ltv_target_roas").set_value(200.0).run()
    assert not at.exception
    after = next(d.value for d in at.dataframe if "break_even_cpo" in d.value.columns).set_index("cohort")
    assert not before.empty
    for c, v in before.items():
        assert abs(after.loc[c, "break_even_cpo"] - v / 2) < 1e-6
    # the active-share switch renders
    at.radio(key="ltv_measure").set_value("active").run()
    assert not at.exception and not at.error
