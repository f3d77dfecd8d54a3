"""plancli report: the HTML review page, parsed here and driven in a real headless Chromium."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ALL_SAMPLES, CHANGJI, CHONGQING, JIMSAR
from plancli.commands.html_report import report_file
from plancli.pipeline import process_file

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class Marks(HTMLParser):
    """Collects the highlighted target numbers, the tags and the links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: set[str] = set()
        self.tags: list[str] = []
        self.links: list[str] = []
        self.line_ids: list[str] = []
        self.units: list[str] = []
        self._in_unit = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append(tag)
        self.targets.update((found.get("data-t") or "").split())
        for name in ("href", "src"):
            if found.get(name):
                self.links.append(found[name] or "")
        if (found.get("id") or "").startswith("L"):
            self.line_ids.append(found["id"] or "")
        if "unit" in (found.get("class") or "").split():
            self.units.append(found.get("title") or "")


def marks_of(page: str) -> Marks:
    parser = Marks()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def pages() -> dict[Path, str]:
    return {path: report_file(path) for path in ALL_SAMPLES}


def test_every_target_is_highlighted_once_by_number(pages: dict[Path, str]) -> None:
    for path, page in pages.items():
        count = len(process_file(path).targets)
        assert marks_of(page).targets == {str(n) for n in range(1, count + 1)}, path.name


def test_lines_carry_their_original_numbers(pages: dict[Path, str]) -> None:
    ids = marks_of(pages[JIMSAR]).line_ids
    assert ids[:3] == ["L1", "L2", "L3"]
    assert len(ids) == len(set(ids))
    line_8 = re.search(r'<div class="ln" id="L8">.*?</div>', pages[JIMSAR], re.S).group(0)
    assert 'title="目标 #1: 城乡社区综合服务设施覆盖率 ≥ 100% · 2025年 · target · text"' in line_8
    assert '<span class="hl target" data-t="1"' in line_8


def test_unit_clause_names_each_unit_with_its_role(pages: dict[Path, str]) -> None:
    # Jimsar line 11 ends (县委组织部、县民政局、住建局、县团委、妇联,各乡镇人民政府等…负责)
    titles = marks_of(pages[JIMSAR]).units
    assert (
        "县住建局 · 负责 (responsible) · 任务 t1\n任务 t1 责任单位: 县委组织部(负责)、"
        in "\n".join(titles)
    )
    line_11 = re.search(r'<div class="ln" id="L11">.*?</div>', pages[JIMSAR], re.S).group(0)
    assert re.search(r'<span class="hl clause" data-task="t1" title="[^"]*">\(</span>', line_11)


def test_headings_and_outline_link_to_their_lines(pages: dict[Path, str]) -> None:
    page = pages[JIMSAR]
    assert '<div class="ln heading h1" id="L7">' in page
    assert '<li><a href="#L7" class="heading">一、 工作目标</a>' in page


def test_page_is_self_contained(pages: dict[Path, str]) -> None:
    for page in pages.values():
        marks = marks_of(page)
        assert all(link.startswith("#L") for link in marks.links)
        assert "link" not in marks.tags and "img" not in marks.tags
        assert marks.tags.count("script") == 1 and marks.tags.count("style") == 1
        assert "@font-face" not in page and "url(" not in page


def test_policy_hashes_pin_the_inline_style_and_script(pages: dict[Path, str]) -> None:
    page = pages[CHANGJI]
    policy = unescape(re.search(r'Content-Security-Policy" content="([^"]*)"', page).group(1))
    for tag in ("style", "script"):
        body = re.search(rf"<{tag}>(.*?)</{tag}>", page, re.S).group(1)
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"{tag}-src 'sha256-{digest}'" in policy
    assert policy.startswith("default-src 'none';")


def test_hostile_text_is_escaped_everywhere(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        '关于印发<xss-probe title="x">实施方案的通知\n'
        "一、工作目标\n"
        '到2025年,"><img src=x onerror=alert(1)>覆盖率达到100%。\n'
        "二、重点任务\n"
        "1.健全机制。完善体系。(</span></div><script>alert(2)</script>民政局负责)\n",
        encoding="utf-8",
    )
    page = report_file(hostile)
    marks = marks_of(page)
    assert marks.tags.count("script") == 1
    assert "img" not in marks.tags
    assert "xss-probe" not in marks.tags
    assert "&lt;xss-probe title=&quot;x&quot;&gt;" in page


# --- in a real browser -------------------------------------------------------------------


def browser() -> str:
    """The Chromium to drive; CI must have one, a developer's machine may not."""
    for name in BROWSERS:
        if found := shutil.which(name):
            return found
    if os.environ.get("CI"):
        pytest.fail("no Chromium on CI: .ci/run installs it")
    pytest.skip("no Chromium installed (apt-get install chromium)")


def run_browser(tmp_path: Path, *args: str) -> str:
    command = [
        browser(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1600,1000",
        *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


# Runs in the page before and after the page's own script: records errors and CSP
# violations, then clicks the last row of the targets table and reports whether its
# line came into view of the text pane.
PROBE_HEAD = """
window.__errors = [];
window.addEventListener('error', function (e) { window.__errors.push(String(e.message)); });
document.addEventListener('securitypolicyviolation', function (e) {
  window.__errors.push('csp ' + e.violatedDirective);
});
"""
PROBE_TAIL = """
(function () {
  function inView(element, pane) {
    var r = element.getBoundingClientRect(), p = pane.getBoundingClientRect();
    return r.top >= p.top && r.bottom <= p.bottom;
  }
  var marked = {};
  document.querySelectorAll('[data-t]').forEach(function (e) {
    e.dataset.t.split(' ').forEach(function (n) { marked[n] = true; });
  });
  var rows = document.querySelectorAll('tr[data-target]');
  var row = rows[rows.length - 1];
  var line = document.getElementById('L' + row.dataset.line);
  var pane = document.querySelector('main');
  var before = inView(line, pane);
  row.click();
  var result = {targets: Object.keys(marked).length, rows: rows.length, before: before,
    after: inView(line, pane), flashed: document.querySelectorAll('.hl.flash').length,
    errors: window.__errors};
  document.body.setAttribute('data-probe', JSON.stringify(result));
})();
"""


def csp_source(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"


def with_probe(page: str) -> str:
    """The page with the probe scripts added and allowed by its own policy (no other change)."""
    page = page.replace(
        "script-src ", f"script-src {csp_source(PROBE_HEAD)} {csp_source(PROBE_TAIL)} ", 1
    )
    page = page.replace("<style>", f"<script>{PROBE_HEAD}</script><style>", 1)
    return page.replace("</body>", f"<script>{PROBE_TAIL}</script></body>", 1)


@pytest.mark.parametrize("path", [CHANGJI, CHONGQING], ids=["changji", "chongqing"])
def test_page_in_chromium_loads_highlights_and_jumps(path: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(with_probe(report_file(path)), encoding="utf-8")
    dom = run_browser(tmp_path, "--virtual-time-budget=3000", "--dump-dom", page.as_uri())
    found = re.search(r'data-probe="([^"]*)"', dom)
    assert found, dom[-500:]
    probe = json.loads(unescape(found.group(1)))
    targets = len(process_file(path).targets)
    assert probe["errors"] == []
    assert probe["targets"] == probe["rows"] == targets
    assert probe["before"] is False, "the last target's line starts out of view"
    assert probe["after"] is True, "clicking its row scrolled it into view"
    assert probe["flashed"] >= 1


def test_screenshot_is_not_blank(tmp_path: Path) -> None:
    image_module = pytest.importorskip("PIL.Image")
    page = tmp_path / "report.html"
    page.write_text(report_file(CHANGJI), encoding="utf-8")
    shot = tmp_path / "shot.png"
    run_browser(tmp_path, f"--screenshot={shot}", page.as_uri())
    with image_module.open(shot) as image:
        assert image.size == (1600, 1000)
        colors = image.convert("RGB").getcolors(1 << 20)
    assert colors is not None and len(colors) > 50  # text, highlights, rules: not one flat color
    most_common = max(count for count, _ in colors)
    assert most_common < 0.95 * 1600 * 1000


def test_report_command_writes_the_page(tmp_path: Path) -> None:
    output = tmp_path / "jimsar.html"
    command = [sys.executable, "-m", "plancli", "report", str(JIMSAR), "-o", str(output)]
    subprocess.run(command, check=True, capture_output=True)
    assert output.read_text(encoding="utf-8") == report_file(JIMSAR)


def test_report_command_never_overwrites_its_input(tmp_path: Path) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_bytes(JIMSAR.read_bytes())
    command = [sys.executable, "-m", "plancli", "report", str(notice), "-o", str(notice)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert (
        result.stderr
        == f"plancli: error: {notice}: is the input {notice}; refusing to overwrite it\n"
    )
    assert notice.read_bytes() == JIMSAR.read_bytes()
