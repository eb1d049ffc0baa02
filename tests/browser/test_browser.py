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

and saves a full-page screenshot of each page under ``_build/screenshots/``.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

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

    source = page.read_text()
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
    scale = info["shown"] / info["natural"]
    assert scale >= MIN_SCALE, (f"figure {info['number'].strip()} shown at {100 * scale:.0f} % of its natural "
                                f"width ({info['shown']:.0f} of {info['natural']} px): its text is too small")
