import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# tests never read the developer's own settings or language
os.environ.pop("WORKBENCH_SETTINGS", None)
os.environ.pop("WORKBENCH_LANG", None)
os.environ.setdefault("TZ", "Asia/Tokyo")


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory) -> Path:
    """A small sample shop written by the generator (shared by the session's tests)."""
    from workbench.sample import write

    out = tmp_path_factory.mktemp("sample")
    write(out, customers=400, seed=11)
    return out


@pytest.fixture(scope="session")
def sample_ds(sample_dir):
    from workbench.dataset import load_folder

    return load_folder(sample_dir)
