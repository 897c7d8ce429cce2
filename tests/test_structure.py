"""Structure: a headless core, documented settings and queries, a complete catalogue."""

import re
import subprocess
import sys
from pathlib import Path

from workbench import i18n, runner, settings

ROOT = Path(__file__).resolve().parents[1]


def test_core_does_not_import_streamlit():
    code = (
        "import sys, pkgutil, importlib, workbench\n"
        "for m in pkgutil.walk_packages(workbench.__path__, 'workbench.'):\n"
        "    if not m.name.startswith('workbench.ui') and m.name != 'workbench.__main__':\n"
        "        importlib.import_module(m.name)\n"
        "assert 'streamlit' not in sys.modules, 'streamlit imported by the core'\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_no_streamlit_import_outside_ui():
    for path in (ROOT / "workbench").rglob("*.py"):
        if "ui" in path.relative_to(ROOT / "workbench").parts:
            continue
        assert not re.search(r"^\s*(import|from)\s+streamlit", path.read_text(), re.M), path


def test_pages_have_no_sql():
    for path in (ROOT / "pages").rglob("*.py"):
        text = path.read_text()
        assert not re.search(r"\b(select|insert|create)\s+.*\bfrom\b", text, re.I), path
        assert ".execute(" not in text, path


def test_every_setting_documented():
    for name, _default, doc in settings.describe():
        assert doc.strip(), name


def test_every_query_documented():
    for spec in runner.list_queries():
        assert spec.description, spec.name


def test_catalogue_complete_in_both_languages():
    cat = i18n.catalogue()
    for key, texts in cat.items():
        assert texts.get("ja") and texts.get("en"), key
        assert set(re.findall(r"{(\w+)}", texts["ja"])) == set(re.findall(r"{(\w+)}", texts["en"])), key


def test_every_page_has_a_title():
    for path in sorted((ROOT / "pages" / "views").glob("[0-9][0-9]_*.py")):
        key = "nav." + path.stem.split("_", 1)[1]
        assert i18n.has(key), key


def test_requirements_pinned():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            assert "==" in line, line


def test_no_python_file_directly_in_pages():
    # Streamlit would treat it as an old-style page and run it without app.py on a fresh server
    assert not list((ROOT / "pages").glob("*.py"))
