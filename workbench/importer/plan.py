"""Several files → one dataset: every file imported into a staging folder, then loaded, all or nothing."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import dataset
from ..errors import ContractError, ImportFailed, Problem
from .run import run_import


@dataclass
class FilePlan:
    """One file to import: where it is, which table, the mapping (canonical -> header), the encoding."""

    path: Path
    table: str
    mapping: dict[str, str]
    encoding: str = "auto"
    label: str = ""


def load_files(plans: list[FilePlan], workdir: str | Path, settings=None):
    """Import every file into `workdir` and load it as a Dataset; (None, problems) when anything fails.

    All or nothing: the Dataset exists only when every file imports and the result meets the contract.
    """
    workdir = Path(workdir)
    problems: list[Problem] = []
    tables = [p.table for p in plans]
    for t in sorted({t for t in tables if tables.count(t) > 1}):
        files = ", ".join(p.label or p.path.name for p in plans if p.table == t)
        problems.append(Problem("same_table", file=files, column=t))
    if "orders" not in tables:
        problems.append(Problem("no_orders", file="-", column="orders"))
    if problems:
        return None, problems
    staging = Path(tempfile.mkdtemp(prefix="stage-", dir=workdir))
    for p in plans:
        try:
            run_import(p.table, p.path, staging, p.encoding, p.mapping, label=p.label or p.path.name)
        except ImportFailed as exc:
            problems += exc.problems
    if problems:
        shutil.rmtree(staging, ignore_errors=True)
        return None, problems
    try:
        ds = dataset.load_folder(staging, settings)
    except ContractError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        return None, exc.problems  # the same problems, said as the contract says them
    ds.source = str(staging)
    return ds, []
