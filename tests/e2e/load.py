"""Load check (`make load N=8`): N concurrent browser sessions open every page of the sample shop.

Reports p50/p95 page time (navigation until the script run settles and the title shows) and the
server's resident memory: at start, after all sessions, and per session ((after - start) / N).
"""

from __future__ import annotations

import argparse
import math
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import settle, start_server  # noqa: E402

PAGES = [p.stem.split("_", 1)[1] for p in sorted((ROOT / "pages" / "views").glob("[0-9][0-9]_*.py"))]


def rss_mb(pid: int) -> float:
    """Resident memory of the server and its children (MB), from /proc."""
    total = 0
    pids = [pid] + [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def session(url: str, times: list, errors: list, rounds: int) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = b.new_page(viewport={"width": 1400, "height": 900})
        for _ in range(rounds):
            for key in PAGES:
                t = time.monotonic()
                try:
                    page.goto(f"{url}/{key}")
                    page.wait_for_selector("h1", timeout=60_000)
                    settle(page, 60_000)
                    times.append(time.monotonic() - t)
                except Exception as exc:  # noqa: BLE001 - counted and reported, the session goes on
                    body = page.inner_text("body")[:200].replace("\n", " ") if not page.is_closed() else ""
                    errors.append(f"{key}: {str(exc).splitlines()[0]} | page shows: {body}")
        b.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args()
    server = start_server(Path(tempfile.mkdtemp(prefix="wb_load_")))
    try:
        base = rss_mb(server.proc.pid)
        times, errors = [], []
        threads = [
            threading.Thread(target=session, args=(server.url, times, errors, a.rounds)) for _ in range(a.sessions)
        ]
        started = time.monotonic()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.monotonic() - started
        after = rss_mb(server.proc.pid)
    finally:
        server.stop()
    ranked = sorted(times)
    p95 = ranked[max(0, math.ceil(0.95 * len(ranked)) - 1)]  # nearest rank
    print(f"sessions={a.sessions} pages={len(PAGES)} rounds={a.rounds} loads={len(times)} wall={wall:.1f}s")
    print(f"page time p50={statistics.median(times):.2f}s p95={p95:.2f}s max={max(times):.2f}s")
    print(f"server RSS start={base:.0f}MB after={after:.0f}MB per session={(after - base) / a.sessions:.0f}MB")
    if errors:
        print("errors:", *errors, sep="\n  ")
        sys.exit(1)


if __name__ == "__main__":
    main()
