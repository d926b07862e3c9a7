"""Draw the served page at phone width (412 x 915 CSS pixels) into a PNG, from a temporary folder of sessions."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path


def main(target: Path) -> None:
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as tmp:
        folder, cache = Path(tmp) / "sessions", Path(tmp) / "cache"
        folder.mkdir()
        for args in (["build", "desk-reset", "-m", "3"], ["build", "thoracic-mobility", "-m", "10"]):
            subprocess.run([sys.executable, "-m", "audioguide", *args, "-o", str(folder), "--engine", "tone",
                            "--cache-dir", str(cache), "-q"], check=True, stdout=subprocess.DEVNULL)
        server = subprocess.Popen([sys.executable, "-m", "audioguide", "serve", "-o", str(folder), "--port", "0",
                                   "--engine", "tone", "--cache-dir", str(cache), "--token", "screenshot"],
                                  stdout=subprocess.PIPE, text=True)
        try:
            lines = [server.stdout.readline() for _ in range(3)]
            url = re.search(r"Page: (\S+)", lines[2]).group(1)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
                page = browser.new_context(viewport={"width": 412, "height": 915}, device_scale_factor=1,
                                           is_mobile=True).new_page()
                page.goto(url)
                page.wait_for_selector("article.session")
                page.eval_on_selector("article.session audio", "a => { a.currentTime = 75; }")
                page.wait_for_timeout(500)
                page.screenshot(path=str(target))
                browser.close()
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
    print(target)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
