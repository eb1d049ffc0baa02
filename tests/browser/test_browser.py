"""The rendered book in a real browser: every page loads offline, shows its figures and typeset math.

Run with ``make browser-test`` (installs Debian's chromium and chromium-driver and selenium, renders the
book, then runs this file).  Marked ``browser``: excluded from ``make test``.

For each page of ``_build/html`` headless Chromium (no network: every host name fails to resolve)
loads the page, waits for MathJax, and the test asserts that

* every request went to the local files (the performance log lists every request);
* every figure image loaded (natural width > 0), and every page with math has ``mjx-container`` elements
  and no ``mjx-merror`` (a formula MathJax rejected, shown in yellow, never on the console);
* the console shows no errors except the theme's known harmless ones (allow-listed by message);
* every figure image sits in a numbered figure with a caption (``figure > figcaption`` with a caption number)
  and has real alt text (not empty, not a file name or hash), and is shown at no less than
  :data:`MIN_SCALE` of its natural width (a figure scaled down shrinks its text below 8 pt);
* every axis of a figure with tick marks has numeric tick labels, written by matplotlib's numeric
  formatters, in that panel or in a panel sharing it (:func:`axis_problems` reads the SVG: a number that
  reached matplotlib as a string makes a category axis, whose labels are plain text);
* the pages for readers (:data:`READER_PAGES`, the intro) show no code cell, not even behind a toggle;
* no table, code cell or output is wider than the content column (:data:`WIDE_JS`): its box lies within the
  column, or within a scroll container that does, and no content spills out of a box that does not scroll.
  Checked as the page loads (what is not displayed, inside a closed toggle, ``display: none`` or of zero
  size, is skipped) and again with every toggle opened, as a reader who opens them sees it;

and saves a full-page screenshot of each page under ``_build/screenshots/``.
"""
from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
PAGES = sorted(p for p in HTML.rglob("*.html")
               if p.name not in ("search.html", "genindex.html")
               and not p.relative_to(HTML).parts[0].startswith("_")) if HTML.exists() else []

# Known console noise of sphinx-book-theme 1.x (see PIPELINE-NOTES): allowed by message.
HARMLESS = ("favicon.ico", "invalid theme mode", "thebe", "Identifier 'thebe", "already been declared")

# a figure drawn for the column (supercrystal.book.figures) is shown at its natural size; below this its text
# (at least 8 pt as drawn) falls under about 5.6 pt
MIN_SCALE = 0.7
# alt text that is only a file name or a hash, as myst-nb writes when none is given
FILE_LIKE = re.compile(r"^[\w./\\-]*(\.(png|svg|jpe?g|gif))?$")

#: pages written for readers: no code cell, not even behind a toggle
READER_PAGES = {"intro.html"}

#: a page that only redirects (the root index.html)
REDIRECT = re.compile(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', re.I)

#: the elements that must fit the content column: tables, code (input and output) and their containers
WIDE_SELECTOR = ("table, pre, div.highlight, div.cell_input, div.cell_output, div.output, "
                 "div.pst-scrollable-table-container")

#: JavaScript: the elements of :data:`WIDE_SELECTOR` wider than the content column (``article.bd-article``
#: without its padding), each as {what, cell, left, width, column}
#: (px, left from the column's left edge); arguments[0] is the selector
WIDE_JS = r"""
const col = document.querySelector('article.bd-article');
if (!col) return {error: 'no article.bd-article'};
const cs = getComputedStyle(col), box = col.getBoundingClientRect();
const L = box.left + parseFloat(cs.paddingLeft), R = box.right - parseFloat(cs.paddingRight), TOL = 1;
function displayed(el) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) return false;
  if (el.checkVisibility && !el.checkVisibility({checkVisibilityCSS: true, checkOpacity: true})) return false;
  const closed = el.closest('details:not([open])');  // inside a closed toggle (but not its summary)
  return !(closed && !el.closest('summary'));
}
function scroller(el) {  // the nearest ancestor inside the column that scrolls horizontally (a box that
  // clips without scrolling hides content from the reader: it does not count)
  for (let a = el.parentElement; a && a !== col; a = a.parentElement) {
    const ox = getComputedStyle(a).overflowX;
    if (ox === 'auto' || ox === 'scroll') return a;
  }
  return null;
}
const out = [];
for (const el of col.querySelectorAll(arguments[0])) {
  if (!displayed(el)) continue;
  const r = el.getBoundingClientRect();
  const clip = scroller(el);
  // the element's box, or the scroll container that holds it, must lie within the column, and content
  // that spills out of a box that does not scroll counts as the element's width
  const outer = clip ? clip.getBoundingClientRect() : r;
  let right = outer.right;
  const own = getComputedStyle(el).overflowX;
  if (!clip && own !== 'auto' && own !== 'scroll' && el.scrollWidth > el.clientWidth + TOL) {
    right = Math.max(right, r.left + el.clientLeft + el.scrollWidth);
  }
  if (outer.left < L - TOL || right > R + TOL) {
    const cell = el.closest('.cell');
    out.push({what: el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : ''),
              cell: cell ? String(cell.className) : '', left: Math.round(outer.left - L),
              width: Math.round(right - outer.left), column: Math.round(R - L)});
  }
}
return out;
"""

#: a tick label written by a numeric formatter of the book's style (``axes.formatter.use_mathtext``):
#: ``$\mathdefault{-1.5}$``, ``$\mathdefault{10^{-2}}$``, ``$\mathdefault{2\times10^{1}}$``
NUMERIC_TICK = re.compile(r"\$\\mathdefault\{-?(\d+(\.\d*)?)?(\\times\s*)?(10\^\{-?\d+\})?\}\$")
#: a plain number as a tick label: a category axis (the number reached matplotlib as a string)
PLAIN_NUMBER = re.compile(r"\$?-?\d+(\.\d*)?\$?")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def driver():
    webdriver = pytest.importorskip("selenium.webdriver")
    if not shutil.which("chromium") or not shutil.which("chromedriver"):
        pytest.skip("chromium and chromium-driver are not installed (make browser-test installs them)")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1600",
                '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    drv = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)
    yield drv
    drv.quit()


def test_book_was_built():
    assert PAGES, "no _build/html: run `make html` first"


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(HTML)) for p in PAGES])
def test_page_renders_offline(driver, page):
    driver.get_log("performance")  # drop what earlier pages left
    driver.get(page.as_uri())
    source = page.read_text()
    redirect = REDIRECT.search(source)
    if redirect:  # the root index.html: test the page it leads to, once the browser has followed it
        target = (page.parent / redirect.group(1)).resolve()
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(driver, 20).until(lambda d: d.current_url == target.as_uri()
                                        and d.execute_script("return document.readyState") == "complete")
        source = target.read_text()
    driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "if (window.MathJax && MathJax.startup && MathJax.startup.promise) {"
        "  MathJax.startup.promise.then(() => done(true)).catch(() => done(false));"
        "} else { done(false); }")
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(int(height), 1600), 30000))  # the whole page in one screenshot
    try:
        driver.save_screenshot(str(SHOTS / (str(page.relative_to(HTML)).replace("/", "_") + ".png")))
    finally:
        driver.set_window_size(1280, 1600)

    urls = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    remote = [u for u in urls if not u.startswith(("file://", "data:", "blob:", "about:"))]
    assert not remote, f"remote requests: {remote}"

    if "math notranslate" in source:
        assert driver.find_elements("css selector", "mjx-container"), "math was not typeset"
        errors = [e.text for e in driver.find_elements("css selector", "mjx-merror")]
        assert not errors, f"MathJax could not typeset: {errors}"
    for img in driver.find_elements("css selector", "main img"):
        width = driver.execute_script("return arguments[0].naturalWidth", img)
        assert width > 0, f"image did not load: {img.get_attribute('src')}"
        check_figure(driver, img)
    if "output_png" in source or "cell_output" in source and "<img" in source:
        assert driver.find_elements("css selector", "main img"), "figure missing"

    if page.name in READER_PAGES or (redirect and target.name in READER_PAGES):
        shown = driver.find_elements("css selector", "article.bd-article div.cell_input, "
                                     "article.bd-article details.hide")
        assert not shown, f"{page.name} is for readers but shows {len(shown)} code cells or code toggles"
    check_widths(driver)

    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"
              and not any(h in e["message"] for h in HARMLESS)]
    assert not errors, f"console errors: {errors}"


def check_figure(driver, img) -> None:
    """A figure image: numbered with a caption, real alt text, shown at >= MIN_SCALE of its natural width."""
    src = img.get_attribute("src").rsplit("/", 1)[-1]
    info = driver.execute_script(
        "const img = arguments[0]; const fig = img.closest('figure');"
        "const cap = fig ? fig.querySelector('figcaption') : null;"
        "return {alt: img.getAttribute('alt') || '', natural: img.naturalWidth,"
        "        shown: img.getBoundingClientRect().width,"
        "        number: cap ? (cap.querySelector('.caption-number') || {}).textContent || '' : null,"
        "        caption: cap ? cap.textContent.trim() : null};", img)
    assert info["caption"] is not None, f"figure without a caption: {src}"
    assert info["number"].strip(), f"figure without a number: {src}"
    assert len(info["caption"]) > len(info["number"]) + 20, f"caption too short: {info['caption']!r}"
    alt = info["alt"].strip()
    assert alt and not FILE_LIKE.match(alt), f"figure {info['number'].strip()} has no alt text ({alt!r}): {src}"
    src_url = img.get_attribute("src")
    if src_url.startswith("file://") and src_url.endswith(".svg"):
        problems = axis_problems(Path(unquote(urlparse(src_url).path)).read_text())
        assert not problems, f"figure {info['number'].strip()} ({src}): {problems}"
    scale = info["shown"] / info["natural"]
    assert scale >= MIN_SCALE, (f"figure {info['number'].strip()} shown at {100 * scale:.0f} % of its natural "
                                f"width ({info['shown']:.0f} of {info['natural']} px): its text is too small")


def wide_elements(driver) -> list[dict]:
    """The tables and code cells wider than the content column (:data:`WIDE_JS`), as the page is shown."""
    found = driver.execute_script(WIDE_JS, WIDE_SELECTOR)
    assert not isinstance(found, dict), found.get("error")
    return found


def check_widths(driver) -> None:
    """No table or code cell wider than the content column: as loaded, then with every toggle opened."""
    closed = wide_elements(driver)
    assert not closed, f"wider than the content column: {closed}"
    driver.execute_script("for (const d of document.querySelectorAll('article.bd-article details')) d.open = true;")
    opened = wide_elements(driver)
    assert not opened, f"wider than the content column once its toggle is opened: {opened}"


_SVG = "{http://www.w3.org/2000/svg}"
_XLINK = "{http://www.w3.org/1999/xlink}"


def _axes(svg_text: str):
    """Per panel of a matplotlib SVG: its axes, each as (direction "x"/"y", tick positions, tick labels).

    With ``svg.fonttype: path`` the text is drawn as glyphs, but matplotlib writes each string in a comment
    before them; the tick marks are ``<use>`` elements whose x (or y) is the tick's position."""
    root = ET.fromstring(svg_text, parser=ET.XMLParser(target=ET.TreeBuilder(insert_comments=True)))
    for panel in root.iter(_SVG + "g"):
        if not re.fullmatch(r"axes_\d+", panel.get("id", "")):
            continue
        axes = []
        for axis in panel.findall(_SVG + "g"):
            if not axis.get("id", "").startswith("matplotlib.axis_"):
                continue
            direction, positions, labels = None, [], []
            for tick in axis.findall(_SVG + "g"):
                m = re.fullmatch(r"([xy])tick_\d+", tick.get("id", ""))
                if not m:
                    continue
                direction = m.group(1)
                marks = [u for g in tick.findall(_SVG + "g") if g.get("id", "").startswith("line2d_")
                         for u in g.iter(_SVG + "use")]
                if marks:
                    positions.append(round(float(marks[0].get(direction)), 1))
                labels += [node.text.strip().replace("\u2212", "-") for g in tick.findall(_SVG + "g")
                           if g.get("id", "").startswith("text_") for node in g.iter() if node.tag is ET.Comment]
            if direction:
                axes.append((direction, tuple(sorted(positions)), labels))
        yield panel.get("id"), axes


def axis_problems(svg_text: str) -> list[str]:
    """What is wrong with a figure's axes, read from its SVG (empty: nothing).

    * a tick label that is a plain number, not written by a numeric formatter: a category axis (a number
      that reached matplotlib as a string; its points are placed by rank, not value);
    * a panel with axes but no numeric tick labels on any of them (nothing to read a value from);
    * an axis with tick marks but no labels, unless it shares its ticks with a numerically labelled axis of
      the same direction in another panel (stacked panels label their shared x axis once)."""
    problems, labelled = [], set()
    panels = list(_axes(svg_text))
    for _, axes in panels:
        for direction, positions, labels in axes:
            if labels and all(NUMERIC_TICK.fullmatch(t) for t in labels):
                labelled.add((direction, positions))
    for name, axes in panels:
        if not axes:
            continue  # a schematic drawn with the axes switched off
        numeric = False
        for direction, positions, labels in axes:
            plain = [t for t in labels if PLAIN_NUMBER.fullmatch(t)]
            if plain:
                problems.append(f"{name}: {direction}-axis is a category axis (tick labels {plain[:4]}: a number "
                                "plotted as a string)")
            if labels and all(NUMERIC_TICK.fullmatch(t) for t in labels):
                numeric = True
            elif positions and not labels and (direction, positions) not in labelled:
                problems.append(f"{name}: {direction}-axis has tick marks but no tick labels")
        if not numeric:
            problems.append(f"{name}: no axis with numeric tick labels")
    return problems
