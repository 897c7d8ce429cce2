"""The importer and `python -m workbench import`: encodings, Japanese headers, coercion, all-or-nothing."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from workbench import cli, dataset, dataset_info, importer, testdata

HEAD = "注文番号,会員番号,注文日時,合計金額,ステータス,メモ\n"
# 3 orders; amounts ¥1,200 (full-width yen), 3,400円, ¥５００ (full-width digits) → 1200, 3400, 500
ROWS = (
    'A1,K1,2024/3/5 14:03,"￥1,200",発送済み,x\n'
    'A2,K1,2024年3月6日,"3,400円",キャンセル,y\n'
    "A3,K2,2024-03-07,￥５００,配送完了,z\n\n\n"
)


def snapshot(folder: Path) -> dict:
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.rglob("*")} if folder.exists() else None


def write(tmp_path, name, text, encoding):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def imported(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / "orders.parquet")


def check_golden(df):
    assert list(df.order_id) == ["A1", "A2", "A3"]
    assert [float(v) for v in df.total_amount] == [1200, 3400, 500]
    assert list(df.status) == ["shipped", "cancelled", "delivered"]
    assert list(pd.to_datetime(df.ordered_at)) == [
        pd.Timestamp("2024-03-05 14:03"),
        pd.Timestamp("2024-03-06"),
        pd.Timestamp("2024-03-07"),
    ]


def test_shift_jis_csv_with_japanese_headers(tmp_path, capsys):
    src = write(tmp_path, "orders.csv", HEAD + ROWS, "cp932")
    out = tmp_path / "data"
    assert cli.main(["import", "--table", "orders", "--source", str(src), "--into", str(out)]) == 0
    check_golden(imported(out))
    text = capsys.readouterr().out
    assert "cp932" in text and "メモ" in text  # encoding said; the extra column listed as not used


def test_utf8_bom_tsv(tmp_path):
    src = write(
        tmp_path,
        "orders.tsv",
        (HEAD + ROWS).replace(",", "\t").replace('"', "").replace("￥1\t200", "￥1200").replace("3\t400円", "3400円"),
        "utf-8-sig",
    )
    res = importer.run_import("orders", src, tmp_path / "d")
    assert res.encoding == "utf-8-sig"
    check_golden(imported(tmp_path / "d"))


def test_euc_jp_txt_with_sniffed_delimiter(tmp_path):
    src = write(tmp_path, "export.txt", HEAD + ROWS, "euc-jp")
    res = importer.run_import("orders", src, tmp_path / "d")
    assert res.encoding == "euc-jp"
    check_golden(imported(tmp_path / "d"))


def test_excel_file(tmp_path):
    df = pd.DataFrame(
        {
            "受注番号": ["A1", "A2", "A3"],
            "顧客ID": ["K1", "K1", "K2"],
            "受注日時": [dt.datetime(2024, 3, 5, 14, 3), dt.datetime(2024, 3, 6), dt.datetime(2024, 3, 7)],
            "支払金額": [1200, 3400, 500],
            "対応状況": ["発送済み", "キャンセル", "配送完了"],
        }
    )
    src = tmp_path / "orders.xlsx"
    df.to_excel(src, index=False, sheet_name="受注")
    importer.run_import("orders", src, tmp_path / "d", sheet="受注")
    check_golden(imported(tmp_path / "d"))


def test_map_overrides_and_other_tables_stay(tmp_path):
    out = tmp_path / "d"
    testdata.write_folder(
        out,
        {
            "products": testdata.frame("products", [("P1", "x")], ["product_id", "product_name"]),
            "orders": testdata.orders([("O9", "C9", "2024-01-01", 10, "shipped")]),
        },
    )
    before = (out / "products.parquet").read_bytes()
    src = write(tmp_path, "o.csv", "no,who,when,yen\nA1,K1,2024/3/5,100\n", "utf-8")
    assert (
        cli.main(
            [
                "import",
                "--table",
                "orders",
                "--source",
                str(src),
                "--into",
                str(out),
                "--map",
                "order_id=no",
                "--map",
                "customer_id=who",
                "--map",
                "ordered_at=when",
                "--map",
                "total_amount=yen",
            ]
        )
        == 0
    )
    assert (out / "products.parquet").read_bytes() == before
    assert list(imported(out).order_id) == ["A1"]


def test_detect_encoding():
    text = "注文番号,顧客名\nA1,山田太郎\n"
    assert importer.detect_encoding(text.encode("cp932")) == "cp932"
    assert importer.detect_encoding(text.encode("euc-jp")) == "euc-jp"
    assert importer.detect_encoding(text.encode("utf-8")) == "utf-8"
    assert importer.detect_encoding(text.encode("utf-8-sig")) == "utf-8-sig"


BAD = [
    # (file text, encoding, extra args, problem code expected, a string the report must contain)
    ("", "utf-8", [], "empty_file", "空"),
    (HEAD, "utf-8", [], "empty_file", "空"),
    (HEAD + ROWS, "cp932", ["--encoding", "utf-8"], "undecodable", "行 1: 「92"),
    ("注文番号,会員番号,合計金額\nA1,K1,100\n", "utf-8", [], "missing_column", "注文日時"),
    ("a,b\n1,2\n", "utf-8", ["--encoding", "euc-jp"], "missing_column", "受注番号"),
    (HEAD + "A1,K1,2024/13/45,100,発送済み,\n", "utf-8", [], "bad_date", "2024/13/45"),
    (HEAD + "A1,K1,2024/1/5,12x円,発送済み,\n", "utf-8", [], "bad_amount", "12x円"),
    (HEAD + "A1,K1,2024/1/5,-100,発送済み,\n", "utf-8", [], "negative", "-100"),
    (HEAD + "A1,K1,2024/1/5,1,発送済み,\nA1,K2,2024/1/6,2,発送済み,\n", "utf-8", [], "duplicate", "A1"),
    (HEAD + "A1,K1,2024/1/5,1,謎の状態,\n", "utf-8", [], "unknown_value", "謎の状態"),
]


@pytest.mark.parametrize("text,encoding,extra,code,needle", BAD, ids=[b[3] + str(i) for i, b in enumerate(BAD)])
def test_every_error_exits_2_and_leaves_folder(tmp_path, capsys, text, encoding, extra, code, needle):
    out = tmp_path / "d"
    testdata.write_folder(out, {"orders": testdata.orders([("O9", "C9", "2024-01-01", 10, "shipped")])})
    before = snapshot(out)
    src = write(tmp_path, "bad.csv", text, encoding)
    assert cli.main(["import", "--table", "orders", "--source", str(src), "--into", str(out)] + extra) == 2
    err = capsys.readouterr().err
    assert needle in err and "bad.csv" in err
    assert snapshot(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".wb-import")]  # temp work removed
    with pytest.raises(importer.ImportFailed) as exc:
        importer.run_import("orders", src, out, *(extra[1:] or ["auto"]))
    assert code in {p.code for p in exc.value.problems}


def test_examples_capped_at_20_with_total(tmp_path):
    rows = "".join(f"A{i},K1,bad{i},1,発送済み,\n" for i in range(45))
    src = write(tmp_path, "o.csv", HEAD + rows, "utf-8")
    with pytest.raises(importer.ImportFailed) as exc:
        importer.run_import("orders", src, tmp_path / "d")
    (p,) = exc.value.problems
    assert p.count == 45 and len(p.examples) == 20
    assert p.examples[0] == (2, "bad0")  # row 2 = first data row under the header
    assert "25" in p.message("en")  # "… and 25 more"
    assert not (tmp_path / "d").exists()


def test_query_on_imported_equals_parquet(tmp_path):
    frames = testdata.new_repeat_golden()
    o = frames["orders"]
    jp = pd.DataFrame(
        {
            "受注番号": o.order_id,
            "会員ID": o.customer_id,
            "購入日": o.ordered_at.dt.strftime("%Y年%-m月%-d日 %H:%M"),
            "売上金額": o.total_amount.map(lambda v: f"{v:,.0f}円"),
            "注文ステータス": o.status.map(
                {
                    "shipped": "発送済み",
                    "delivered": "配送完了",
                    "cancelled": "キャンセル",
                    "on_hold": "保留",
                    "awaiting_shipment": "発送待ち",
                    "preparing": "発送準備中",
                }
            ),
        }
    )
    src = tmp_path / "o.csv"
    src.write_bytes(jp.to_csv(index=False).encode("cp932"))
    out = tmp_path / "d"
    importer.run_import("orders", src, out)
    a = dataset.load_folder(out).run("new_repeat_mix", {"grain": "month"})
    b = dataset.load_frames({"orders": o}).run("new_repeat_mix", {"grain": "month"})
    pd.testing.assert_frame_equal(a, b)


# ---------------------------------------------------------------- the Data page and its load function
def test_load_files_all_or_nothing(tmp_path):
    good = write(tmp_path, "o.csv", HEAD + ROWS, "cp932")
    bad = write(tmp_path, "p.csv", "商品コード,定価\nP1,abc\n", "utf-8")
    plan = importer.FilePlan(good, "orders", importer.propose_mapping("orders", HEAD.strip().split(",")))
    ds, problems = importer.load_files(
        [plan, importer.FilePlan(bad, "products", {"product_id": "商品コード", "list_price": "定価"})], tmp_path
    )
    assert ds is None and [p.code for p in problems] == ["bad_amount"]
    ds, problems = importer.load_files([plan], tmp_path)
    assert problems == [] and ds.present == ("orders",)
    from workbench.settings import Settings

    info = dataset_info.shape(ds, Settings())
    # 3 orders, A2 cancelled → 2 counted; customers K1, K2; 2024-03-05 .. 2024-03-07
    assert (info["counted_orders"], info["customers"], str(info["first"]), str(info["last"])) == (
        2,
        2,
        "2024-03-05",
        "2024-03-07",
    )
    import io
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(dataset_info.zip_parquet(ds))).namelist()
    assert names == ["orders.parquet"]


def test_data_page_shows_shape_and_upload_session_only():
    from tests.test_app import open_page

    at = open_page("pages/views/80_data.py", "ja")
    assert not at.exception and not at.error
    assert at.title[0].value == "データの取り込みと確認"
    labels = [m.label for m in at.metric]
    assert "顧客数" in labels and "購入としてカウントする注文" in labels
    # an upload loaded by the page's load function shows up as this session's dataset only
    ds, _ = importer.load_files([importer.FilePlan(_probe(), "orders", {})], Path(_probe()).parent)
    at.session_state["upload_dataset"] = ds
    at.session_state["upload_key"] = "upload:test"
    at.session_state["dataset_key"] = "upload:test"
    at.run()
    at.sidebar.radio(key="dataset_choice").set_value("upload").run()
    assert not at.exception
    assert [m.value for m in at.metric][1] == "1"  # one order row
    assert at.get("download_button")  # zip of Parquet offered for the upload
    other = open_page("pages/views/80_data.py", "ja")
    assert [m.value for m in other.metric][1] != "1"


def _probe() -> Path:
    d = Path(__import__("tempfile").mkdtemp())
    p = d / "probe.csv"
    p.write_bytes('注文番号,会員番号,注文日時,合計金額\nZ1,K1,2024/01/05 10:00,"￥1,200"\n'.encode("cp932"))
    return p
