"""Runs app.py from a folder without a pages/ directory.

AppTest re-runs a multipage app's page file directly when a pages/ folder sits beside the main
script, skipping the sidebar; this wrapper keeps every run going through app.py, as the server does.
"""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parents[2] / "app.py"), run_name="__main__")
