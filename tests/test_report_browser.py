"""The certification report in a real browser: headless Chromium shows the verdict, the counts and
a failure's evidence, without JavaScript or network, and prints to PDF."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import REPO, build_site, verify


def _chromium() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
)
DOCS_SCREENSHOT = REPO / "docs" / "certification-report.png"
UPDATE_DOCS = "MUCVERIFY_UPDATE_SCREENSHOT"
"""set to 1 to replace docs/certification-report.png with this run's screenshot."""
PROBE = (
    "<script>document.documentElement.setAttribute("
    "'data-visible-text', document.body.innerText);</script>"
)
"""added to a copy only: innerText is the text a reader sees (not hidden, not in closed details)."""


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=90)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The certification report of a demo run with one fault: logs/ lost its sticky bit."""
    folder = tmp_path_factory.mktemp("browser")
    site = build_site(
        folder / "site", accounts=("giraffe",), nights=2, faults=("data-dir-not-sticky",)
    )
    run = verify(site, "giraffe", folder)
    path = run.reports / "giraffe" / "muc02" / "certification.html"
    assert path.is_file(), run.output[-2000:]
    return path


def visible_text(report: Path, tmp_path: Path) -> str:
    probe = tmp_path / "probe.html"
    probe.write_text(report.read_text().replace("</body>", PROBE + "</body>"))
    done = chromium(tmp_path / "profile", "--dump-dom", probe.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'data-visible-text="([^"]*)"', done.stdout)
    assert found, done.stdout[:2000]
    return " ".join(html.unescape(found.group(1)).split())


def test_chromium_shows_the_verdict_counts_and_evidence_and_prints(
    report: Path, tmp_path: Path
) -> None:
    """One test, so the demo run behind it is made once whatever the xdist distribution."""
    text = report.read_text()
    assert "<script" not in text.lower()
    assert not re.search(r'(src|href)="(https?:)?//', text)
    assert "<link" not in text

    seen = visible_text(report, tmp_path)
    assert "giraffe dfo23 → muc02" in seen
    assert "NOT READY" in seen
    assert "Why NOT READY" in seen
    assert re.search(r"\b1 failed\b", seen), seen[:600]
    assert re.search(r"\b\d+ passed\b", seen)
    assert "disk.sticky-bit" in seen
    assert "/data/giraffe/logs mode 775" in seen
    assert "phase claimed operational" in seen

    shot = tmp_path / "certification.png"
    done = chromium(
        tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2000", report.as_uri()
    )
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    try:
        from PIL import Image
    except ImportError:
        pass
    else:
        with Image.open(shot) as image:
            assert image.size == (1280, 2000)
            red, green, blue = image.convert("RGB").getpixel((10, 10))  # type: ignore[misc]
            assert red > 150 and green < 80 and blue < 80, "the NOT READY band is red"
    if os.environ.get(UPDATE_DOCS) == "1":
        DOCS_SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, DOCS_SCREENSHOT)

    pdf = tmp_path / "certification.pdf"
    done = chromium(
        tmp_path / "profile", f"--print-to-pdf={pdf}", "--no-pdf-header-footer", report.as_uri()
    )
    assert done.returncode == 0 and pdf.is_file(), done.stderr[-2000:]
    assert pdf.read_bytes()[:5] == b"%PDF-"
