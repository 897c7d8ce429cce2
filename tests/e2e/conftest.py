"""End-to-end fixtures: the app served on a free local port, Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, config_text: str | None, secrets_text: str | None, tmp: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        args = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.port",
            str(self.port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ]
        if config_text is not None:
            (tmp / "workbench.toml").write_text(config_text)
            env["WORKBENCH_CONFIG"] = str(tmp / "workbench.toml")
        if secrets_text is not None:
            (tmp / "secrets.toml").write_text(secrets_text)
            args += ["--secrets.files", str(tmp / "secrets.toml")]
        self.log = open(tmp / "server.log", "w")
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"streamlit did not start: {(tmp / 'server.log').read_text()[-2000:]}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


def start_server(tmp: Path, config_text=None, secrets_text=None) -> Server:
    return Server(config_text, secrets_text, tmp)


@pytest.fixture(scope="session")
def browser():
    exe = shutil.which("chromium")
    if not exe:
        pytest.skip("Debian's chromium is not installed (make e2e-deps installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed")
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=exe, args=["--no-sandbox"])
    except Exception as exc:  # noqa: BLE001
        pw.stop()
        pytest.skip(f"chromium cannot be launched here: {exc}")
    yield b
    b.close()
    pw.stop()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The app with no configuration (local use): sample shop, no login."""
    server = start_server(tmp_path_factory.mktemp("app"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def app_auth(tmp_path_factory):
    """A hosted configuration with password login."""
    server = start_server(
        tmp_path_factory.mktemp("app_auth"),
        '[data]\nread_only = true\n[auth]\nmode = "password"\n',
        'workbench_password = "e2e-secret"\n',
    )
    yield server
    server.stop()


@pytest.fixture(scope="session")
def app_limits(tmp_path_factory):
    """A read-only hosted configuration with tiny upload limits (1 MB, 1 row per table)."""
    server = start_server(
        tmp_path_factory.mktemp("app_limits"), "[data]\nread_only = true\n[limits]\nupload_mb = 1\nupload_rows = 1\n"
    )
    yield server
    server.stop()


def settle(page, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished the script run (the status widget disappears)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(
        """() => document.querySelector('[data-testid="stAppViewContainer"]') &&
                 !document.querySelector('[data-testid="stStatusWidget"] button, [data-testid="stStatusWidgetRunningIcon"]')""",
        timeout=timeout,
    )
    page.wait_for_timeout(300)
