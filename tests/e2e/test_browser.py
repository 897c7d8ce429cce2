"""The app in a real browser: every page renders; login gates everything; language; upload isolation."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import settle

ROOT = Path(__file__).resolve().parents[2]
PAGES = [p.stem.split("_", 1)[1] for p in sorted((ROOT / "pages" / "views").glob("[0-9][0-9]_*.py"))]
# the first page is the default one and lives at "/" (Streamlit answers "Page not found" at /dashboard)
PATHS = [""] + PAGES[1:]
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'


def open_url(browser, url):
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    page.goto(url)
    settle(page)
    return ctx, page


@pytest.mark.parametrize("key", PATHS)
def test_every_page_renders_without_errors(browser, app, key):
    ctx, page = open_url(browser, f"{app.url}/{key}")
    try:
        page.wait_for_selector("h1", timeout=60_000)
        settle(page)
        assert page.locator(ERRORS).count() == 0, page.locator(ERRORS).all_inner_texts()
        assert page.locator("text=Page not found").count() == 0
        assert page.locator('[data-testid="stSidebarNav"]').count() == 1
    finally:
        ctx.close()


def test_language_switch(browser, app):
    ctx, page = open_url(browser, app.url)
    try:
        page.wait_for_selector("h1:has-text('ダッシュボード')", timeout=60_000)
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name="English").click()
        page.wait_for_selector("h1:has-text('Dashboard')", timeout=60_000)
        assert "lang=en" in page.url
        assert page.locator('[data-testid="stSidebarNav"]:has-text("New vs repeat")').count() == 1
    finally:
        ctx.close()


def test_login_gates_every_page(browser, app_auth):
    for key in PATHS:
        ctx, page = open_url(browser, f"{app_auth.url}/{key}")
        try:
            page.wait_for_selector("h1:has-text('ログイン')", timeout=60_000)
            assert page.locator("h1").all_inner_texts() == ["ログイン"]
            for hidden in (
                '[data-testid="stSidebarNav"]',
                '[data-testid="stDataFrame"]',
                '[data-testid="stMetric"]',
                '[data-testid="stVegaLiteChart"]',
                '[data-testid="stSidebar"] [data-testid="stSelectbox"]',
            ):
                assert page.locator(hidden).count() == 0, hidden
        finally:
            ctx.close()
    ctx, page = open_url(browser, app_auth.url)
    try:
        page.get_by_label("パスワード").fill("e2e-secret")
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=60_000)
        page.wait_for_selector("h1:has-text('ダッシュボード')", timeout=60_000)
    finally:
        ctx.close()


def orders_csv(path, ids) -> str:
    """A minimal orders CSV with one shipped order per id; returns its path."""
    path.write_text(
        "order_id,customer_id,ordered_at,total_amount,status\n"
        + "".join(f"{i},c{n},2025-01-05,1000,shipped\n" for n, i in enumerate(ids))
    )
    return str(path)


def test_upload_stays_in_its_session(browser, app, tmp_path):
    csv = orders_csv(tmp_path / "orders.csv", ["e2e1", "e2e2"])
    ctx_a, a = open_url(browser, f"{app.url}/data")
    ctx_b, b = open_url(browser, f"{app.url}/data")
    try:
        a.locator('input[type="file"]').first.set_input_files(csv)
        settle(a)
        from workbench.i18n import t

        a.get_by_role("button", name=t("data.load", "ja")).click()
        settle(a)
        upload_option = '[data-testid="stSidebar"] label:has-text("アップロードしたデータ")'
        a.wait_for_selector(upload_option, timeout=60_000)
        b.reload()
        settle(b)
        assert b.locator(upload_option).count() == 0
        assert b.locator("text=e2e1").count() == 0
    finally:
        ctx_a.close()
        ctx_b.close()


def test_upload_limits_and_read_only_folder(browser, app_limits, tmp_path):
    from workbench.i18n import t

    small = orders_csv(tmp_path / "orders.csv", ["l1", "l2"])
    big = orders_csv(tmp_path / "big.csv", [f"b{i}" for i in range(40_000)])
    assert Path(big).stat().st_size > 1024 * 1024
    ctx, page = open_url(browser, f"{app_limits.url}/data")
    try:
        page.wait_for_selector("h1", timeout=60_000)
        assert page.locator(f"text={t('data.folder', 'ja')}").count() == 0  # read-only: no server paths
        page.locator('input[type="file"]').first.set_input_files([small, big])
        settle(page)
        page.wait_for_selector("text=上限の1行を超えています", timeout=60_000)
        page.wait_for_selector("text=ファイルが大きすぎます", timeout=60_000)
        assert page.get_by_role("button", name=t("data.load", "ja")).is_disabled()
    finally:
        ctx.close()


def selected(page, label: str) -> str:
    """The shown value of the selectbox labelled `label`."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    return box.locator("input").first.get_attribute("value")


def test_filters_live_in_the_url(browser, app):
    """A view can be shared as a link: bound filters are read from and written to the URL."""
    ctx, page = open_url(browser, f"{app.url}/retention?ret_product=P202")
    try:
        page.wait_for_selector("h1", timeout=60_000)
        settle(page)
        assert "P202" in selected(page, "定期商品")
        page.goto(f"{app.url}/?dash_grain=year")
        settle(page)
        page.wait_for_selector("h1:has-text('ダッシュボード')", timeout=60_000)
        assert selected(page, "集計単位") == "年別"
        # and the other way: choosing a grain on the new-vs-repeat page puts it in the address
        page.goto(f"{app.url}/new_repeat")
        settle(page)
        page.locator('[data-testid="stSelectbox"]').filter(has_text="集計単位").first.click()
        page.get_by_role("option", name="週別").click()
        settle(page)
        page.wait_for_function("() => location.search.includes('nr_grain=week')", timeout=30_000)
    finally:
        ctx.close()
