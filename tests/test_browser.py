"""The published reports in a real headless Chromium, with networking disabled.

Needs Debian's ``chromium``, ``chromium-driver`` and a Chinese font (``fonts-noto-cjk``); ``.ci/run``
installs them. Skipped, with the command to install them, only when no browser or driver is on PATH:
a browser that starts and then fails, or draws the Chinese text as boxes, makes the test fail.
Full-page screenshots go to ``build/screenshots/``.
"""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from indicators.actuals.load import load_actuals
from indicators.verdicts.assess import assess

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "build" / "screenshots"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
INSTALL = "apt-get install chromium chromium-driver fonts-noto-cjk"

# Chromium as root in a container: no sandbox, no GPU, no /dev/shm, nothing phoned home
FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--no-first-run", "--no-default-browser-check",
    "--hide-scrollbars", "--force-device-scale-factor=1", "--window-size=1280,1000",
    # no network even if the DevTools emulation below were ignored: no DNS, a dead proxy
    "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
]

BROWSER = next((p for p in map(shutil.which, BROWSERS) if p), None)
CHROMEDRIVER = shutil.which("chromedriver")
_MISSING = " and ".join(name for name, path in ((f"a Chromium browser ({', '.join(BROWSERS)})", BROWSER),
                                                ("chromedriver", CHROMEDRIVER)) if not path)
# decided before any fixture runs, so a machine without a browser does not build the reports for nothing
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    bool(_MISSING), reason=f"browser test needs {_MISSING} on PATH; install with `{INSTALL}` (.ci/run does this)")]


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # the driver path is given, so Selenium Manager is never asked to download anything
    drv = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        drv.set_page_load_timeout(60)
        drv.set_script_timeout(20)
        drv.execute_cdp_cmd("Network.enable", {})
        drv.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        # prove that the network is really off, then throw away the console noise of the proof
        drv.get("about:blank")
        outcome = drv.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch('http://example.com/', {mode: 'no-cors'}).then(() => done('reached'), e => done('blocked: ' + e));")
        assert outcome.startswith("blocked"), f"networking is not disabled: {outcome}"
        drv.get_log("browser")
        yield drv
    finally:
        drv.quit()


@pytest.fixture(scope="module")
def pages(built_reports):
    """The output directory and each report's file by region (None: the overview)."""
    out = Path(built_reports.out)
    by_region = {r["region"]: Path(r["html"]) for r in built_reports.reports}
    assert (out / "index.html").is_file()
    return out, by_region


def _open(driver, url: str) -> None:
    driver.get(url)
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")


def _severe(driver) -> list[str]:
    """Console messages at error level since the last call (reading the log empties it)."""
    return [f"{e.get('source', '')}: {e['message']}" for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def _images(driver) -> list[dict]:
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return Array.from(document.images).every(i => i.complete)"))
    return driver.execute_script(
        "return Array.from(document.images).map((img, n) => ({n: n, src: img.src.slice(0, 40),"
        " complete: img.complete, width: img.naturalWidth, alt: img.getAttribute('alt')}))")


def _described(images: list[dict]) -> list[dict]:
    """Images without an alternative text of their own (nbconvert fills in a placeholder)."""
    return [i for i in images if not i["alt"] or i["alt"].startswith("No description")]


def _remote_requests(driver) -> list[str]:
    """Resources the page asked for that are neither files next to it nor embedded data."""
    names = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    return [n for n in names if not n.startswith(("file:", "data:"))]


def _visible_heading(driver, *texts: str):
    """The first displayed h1 whose text contains every one of ``texts``."""
    for h in driver.find_elements(By.TAG_NAME, "h1"):
        if h.is_displayed() and all(t in h.text for t in texts):
            return h
    seen = [h.text for h in driver.find_elements(By.TAG_NAME, "h1")]
    pytest.fail(f"no visible <h1> containing {texts!r}; headings: {seen!r}")


# Draw each character in the heading's own font on a canvas: a missing CJK font gives the same
# empty box (or nothing) for every character, real glyphs are all different and not blank.
_GLYPHS_JS = """
const [el, chars] = arguments;
const s = getComputedStyle(el);
const font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
return chars.map(ch => {
  const c = document.createElement('canvas'); c.width = 80; c.height = 80;
  const g = c.getContext('2d'); g.font = font; g.textBaseline = 'top'; g.fillStyle = '#000';
  g.fillText(ch, 8, 8);
  const d = g.getImageData(0, 0, 80, 80).data;
  let ink = 0, sig = '';
  for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) ink++; sig += d[i] > 127 ? '1' : '0'; }
  return {ch: ch, ink: ink, sig: sig};
});
"""


def _assert_glyphs_render(driver, element, text: str) -> None:
    chars = list(dict.fromkeys(ch for ch in text if "\u4e00" <= ch <= "\u9fff"))
    assert len(chars) >= 2
    drawn = driver.execute_script(_GLYPHS_JS, element, chars)
    blank = [d["ch"] for d in drawn if d["ink"] == 0]
    assert not blank, f"Chinese characters drawn blank: {blank}"
    assert len({d["sig"] for d in drawn}) == len(chars), (
        f"the Chinese characters {''.join(chars)!r} all draw the same glyph (boxes): no CJK font; "
        "install one, e.g. `apt-get install fonts-noto-cjk`")


def _screenshot(driver, name: str) -> Path:
    """A full-page PNG (beyond the viewport) through the DevTools protocol."""
    m = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": m["width"], "height": m["height"], "scale": 1}})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    assert path.stat().st_size > 1000
    return path


def _expected(catalog, region: str) -> tuple[int, int]:
    """(judged verdicts: rows of the risk table, indicator/breakdown lines of the data-needed list)."""
    a = assess(catalog, load_actuals(catalog=catalog), region=region, domain="vocational")
    need = a[a["status"] == "insufficient_data"]
    return int((a["status"] != "insufficient_data").sum()), len(need.drop_duplicates(["indicator", "breakdown"]))


def test_index_links_every_report_and_works_offline(driver, pages, built_reports):
    out, by_region = pages
    _open(driver, (out / "index.html").as_uri())
    assert _severe(driver) == []
    assert all(i["complete"] and i["width"] > 0 for i in _images(driver))
    assert _remote_requests(driver) == []
    h1 = _visible_heading(driver, "职业教育")
    _assert_glyphs_render(driver, h1, h1.text)
    assert "职业教育" in driver.title
    hrefs = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "table.index a")]
    assert sorted(hrefs) == sorted(p.as_uri() for p in by_region.values())
    _screenshot(driver, "index")

    link = driver.find_element(By.XPATH, "//table[@class='index']//a[contains(., '茌平区')]")
    assert link.is_displayed()
    link.click()
    WebDriverWait(driver, 30).until(lambda d: d.current_url == by_region["茌平区"].as_uri())
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
    assert _severe(driver) == []
    _visible_heading(driver, "茌平区", "职业教育")
    assert driver.find_element(By.CSS_SELECTOR, "table.risk").is_displayed()


@pytest.mark.parametrize("region", ["茌平区", "环翠区"])
def test_region_report_renders_offline(driver, pages, catalog, region):
    out, by_region = pages
    _open(driver, by_region[region].as_uri())
    assert _severe(driver) == []
    images = _images(driver)
    from indicators.reports.context import region_report

    # a chart for every indicator with something to draw (环翠区 has none: its report is the lists)
    assert len(images) == len(region_report(region).charted())
    broken = [i for i in images if not (i["complete"] and i["width"] > 0)]
    assert not broken, f"images that did not load: {broken}"
    assert _described(images) == [], "every chart says in words what it shows"
    assert _remote_requests(driver) == []

    h1 = _visible_heading(driver, region, "职业教育")
    _assert_glyphs_render(driver, h1, h1.text)
    assert region in driver.title

    tables = driver.find_elements(By.CSS_SELECTOR, "table.risk")
    judged, needing = _expected(catalog, region)
    assert len(driver.find_elements(By.CSS_SELECTOR, "ul.data-needed > li")) == needing
    if not judged:  # nothing to judge yet: a sentence instead of an empty table, then the list
        assert not tables and "暂无可判断的目标年份" in driver.find_element(By.TAG_NAME, "body").text
        _screenshot(driver, by_region[region].stem)
        return
    assert len(tables) == 1 and tables[0].is_displayed()
    rows = tables[0].find_elements(By.CSS_SELECTOR, "tbody > tr")
    assert len(rows) == judged
    texts = [r.text for r in rows]
    assert len(set(texts)) == len(texts), "no table row is a bare duplicate of another"
    no_data = driver.execute_script("return Array.from(document.querySelectorAll('table tbody tr'))"
                                    ".filter(tr => tr.innerText.includes('数据不足')).length")
    assert no_data <= 40
    no_badge = driver.execute_script(
        "return Array.from(arguments[0].querySelectorAll('tbody > tr'))"
        ".filter(tr => !tr.querySelector('td .badge')).length", tables[0])
    assert no_badge == 0, "every row shows its status badge"
    _screenshot(driver, by_region[region].stem)
    assert _severe(driver) == []


def test_chiping_charts_read_in_words_and_fit_the_page(driver, pages):
    """The 茌平区 charts as a reader meets them: one per indicator with a series, each with an alt
    text naming the indicator, its latest actual and every target year's verdict, drawn whole at
    the page's width (a screenshot of the charts section goes to build/screenshots/)."""
    from indicators.reports.context import region_report
    from indicators.words.explain import STATUS_LABELS

    out, by_region = pages
    rep = region_report("茌平区")
    _open(driver, by_region["茌平区"].as_uri())
    images = _images(driver)
    keys = rep.charted()
    assert len(images) == len(keys) == 3
    for image, key in zip(images, keys):
        alt = image["alt"]
        assert alt.startswith("图表：" + rep.indicator_label(key)), alt
        assert "最新实际值" in alt
        for r in rep.assessment[rep.assessment["indicator"] == key].itertuples():
            assert f"{r.year} 年" in alt and STATUS_LABELS["zh"][r.status] in alt
    # shown at its own size or smaller, never cut by the page: the whole image is on screen
    shown = driver.execute_script(
        "return Array.from(document.images).map(i => {const r = i.getBoundingClientRect();"
        " return {left: r.left, right: r.right, width: r.width, natural: i.naturalWidth,"
        " page: document.documentElement.clientWidth};})")
    for s in shown:
        assert 0 <= s["left"] and s["right"] <= s["page"] and s["width"] <= s["natural"] + 1, s
    heading = driver.find_element(By.ID, "charts")
    driver.execute_script("arguments[0].scrollIntoView()", heading)
    top = driver.execute_script("return arguments[0].getBoundingClientRect().top + window.scrollY", heading)
    bottom = driver.execute_script(
        "const imgs = Array.from(document.images); const r = imgs[imgs.length - 1].getBoundingClientRect();"
        " return r.bottom + window.scrollY")
    m = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": top, "width": m["width"], "height": bottom - top + 10, "scale": 1}})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "chiping-district-charts.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    assert path.stat().st_size > 20000
    assert _severe(driver) == []


def test_overview_renders_offline(driver, pages):
    out, by_region = pages
    _open(driver, by_region[None].as_uri())
    assert _severe(driver) == []
    images = _images(driver)
    assert images and all(i["complete"] and i["width"] > 0 for i in images), images
    assert _described(images) == [] and "热力图" in images[0]["alt"]
    assert _remote_requests(driver) == []
    h1 = _visible_heading(driver, "总览")
    _assert_glyphs_render(driver, h1, h1.text)
    _screenshot(driver, "overview")


@pytest.fixture(scope="module")
def english_pages(tmp_path_factory):
    from test_english import english_site

    result = english_site(tmp_path_factory)
    return {r["region"]: Path(r["html"]) for r in result.reports}


def test_english_report_reads_in_english(driver, english_pages):
    """`indicators run --lang en`: headings, table captions, badges and the legend of statuses are
    English as the browser shows them; Chinese only inside marked names and quotes."""
    import re

    from indicators.words.explain import SECTIONS, STATUS_LABELS, WORDS

    _open(driver, english_pages["茌平区"].as_uri())
    assert _severe(driver) == [] and _remote_requests(driver) == []
    images = _images(driver)
    assert images and _described(images) == [] and all(i["alt"].startswith("Chart: ") for i in images)
    assert driver.execute_script("return document.documentElement.lang") == "en"
    h1 = _visible_heading(driver, "Chiping District", "vocational-education plan targets")
    _assert_glyphs_render(driver, h1.find_element(By.CSS_SELECTOR, "span[lang='zh-CN']"), "茌平区")
    cjk = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
    h2 = [h.text for h in driver.find_elements(By.TAG_NAME, "h2")]
    assert h2 == [SECTIONS["en"][k][0] for k in ("headline", "risk", "review", "charts", "checks", "sources")]
    headers = [th.text for th in driver.find_elements(By.CSS_SELECTOR, "table.risk th")]
    assert headers == [WORDS["en"][k] for k in ("indicator", "year", "target", "clause", "status", "p", "explanation")]
    badges = {b.text for b in driver.find_elements(By.CSS_SELECTOR, "span.badge")}
    assert badges and badges <= set(STATUS_LABELS["en"].values())
    captions = h2 + headers + list(badges) + [e.text for e in driver.find_elements(By.CSS_SELECTOR, "p.lead, h3")]
    assert not [c for c in captions if cjk.search(c)], captions
    # what a reader sees outside names and quotes, up to the sources: no Chinese
    seen = driver.execute_script(
        "const c = document.body.cloneNode(true);"
        "c.querySelectorAll('[lang^=zh], style, script').forEach(e => e.remove());"
        "const s = c.querySelector('#sources'); let t = c.innerText;"
        "return s ? c.innerText.split(s.innerText)[0] : t;")
    assert len(seen) > 500 and not cjk.findall(seen)
    _screenshot(driver, "en-" + english_pages["茌平区"].stem)


def test_english_report_of_an_intellectual_property_plan(driver, english_pages):
    _open(driver, english_pages["苏州市"].as_uri())
    assert _severe(driver) == []
    _visible_heading(driver, "Suzhou", "intellectual-property plan targets")
    assert "职业教育" not in driver.title + driver.find_element(By.TAG_NAME, "h1").text
    _screenshot(driver, "en-" + english_pages["苏州市"].stem)
    _open(driver, english_pages[None].as_uri())
    _visible_heading(driver, "Overview of all regions")
    _screenshot(driver, "en-overview")


@pytest.fixture(scope="module")
def review_page(tmp_path_factory):
    """茌平区's page from made-up actuals after its plan's 2019 baseline (SYNTHETIC, for the test
    only), so that its mid-term review table has judged rows."""
    from indicators.run.runner import run

    d = tmp_path_factory.mktemp("review")
    f = d / "chiping_synthetic.csv"
    f.write_text("region,indicator,year,value,unit\n"
                 "茌平区,sec_voc_dual_qualified_teacher_share,2021,91.6,%\n"
                 "茌平区,training_person_days,2021,10000,人日\n", encoding="utf-8")
    result = run(regions=["茌平区"], actuals=[f], out=d / "reports", progress=False)
    return next(Path(r["html"]) for r in result.reports if r["region"] == "茌平区")


def test_the_review_table_reads_as_a_planner_reads_it(driver, review_page):
    """The 中期评估表 section: its lead states the tolerance, its table has the columns of a review
    (基期值 … 判断 and the forecast verdict beside), and a target 7.3% done against 66.7% of the time
    reads 滞后."""
    from indicators.words.explain import REVIEW_WORDS

    _open(driver, review_page.as_uri())
    assert _severe(driver) == [] and _remote_requests(driver) == []
    section = driver.find_element(By.ID, "review")
    assert section.is_displayed() and section.text == "中期评估表"
    lead = section.find_element(By.XPATH, "following-sibling::p[1]").text
    assert "±10 个百分点" in lead
    w = REVIEW_WORDS["zh"]
    headers = [th.text for th in driver.find_elements(By.CSS_SELECTOR, "table.review th")]
    assert headers == [w[k] for k in ("indicator", "baseline", "target", "latest", "completion", "time_elapsed",
                                      "judgement", "forecast", "note")]
    rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
            for tr in driver.find_elements(By.CSS_SELECTOR, "table.review tbody tr")]
    dual = [r for r in rows if r[0] == "中职学校“双师型”教师比例" and "2022" in r[2]]
    assert dual and dual[0][4:7] == ["7.3%", "66.7%", "滞后"]
    assert driver.find_elements(By.CSS_SELECTOR, "p.review-without_new_actual")
    _screenshot(driver, "review-" + review_page.stem)


# --- a page with a changes section (the planner's year; synthetic actuals made up by this test) ---

@pytest.fixture(scope="module")
def changed_pages(built_reports, tmp_path_factory):
    """The session's reports copied, then 茌平区 run again with a filled template: SYNTHETIC values
    made up here (three years of 双师型 before the baseline and 2020), so its statuses change."""
    import csv

    from indicators.cli.main import main
    from indicators.run.runner import run

    tmp = tmp_path_factory.mktemp("year-browser")
    out = tmp / "reports"
    shutil.copytree(Path(built_reports.out).parent, out, symlinks=True)
    assert main(["template", "--region", "茌平区", "--format", "csv", "-o", str(tmp / "in.csv")]) == 0
    rows = list(csv.reader((tmp / "in.csv").open(encoding="utf-8-sig")))
    col = {h[:4]: j for j, h in enumerate(rows[0])}
    row = next(r for r in rows if r[0].startswith("中职学校“双师型”教师比例"))
    for y, v in {"2016": "85", "2017": "87", "2018": "89", "2020": "90"}.items():
        row[col[y]] = v
    with (tmp / "filled.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    result = run(regions=["茌平区"], actuals=[tmp / "filled.csv"], input_region="茌平区", out=out, jobs=2,
                 progress=False)
    assert result.ok, result.failed
    return out, {r["region"]: Path(r["html"]) for r in result.reports}


def test_a_region_page_opens_with_what_changed_since_the_last_report(driver, changed_pages):
    from indicators.words.explain import SECTIONS, STATUS_LABELS

    out, pages = changed_pages
    _open(driver, pages["茌平区"].as_uri())
    assert _severe(driver) == [] and _remote_requests(driver) == []
    head = driver.find_element(By.CSS_SELECTOR, "h2#changes")
    assert head.is_displayed() and head.text == SECTIONS["zh"]["changes"][0]
    _assert_glyphs_render(driver, head, head.text)
    # at the top: before the headline and the risk table
    y = {k: driver.find_element(By.ID, k).location["y"] for k in ("changes", "headline", "risk")}
    assert y["changes"] < y["headline"] < y["risk"]
    table = driver.find_element(By.CSS_SELECTOR, "table.changes")
    rows = table.find_elements(By.CSS_SELECTOR, "tbody > tr")
    assert rows and all(r.is_displayed() for r in rows)
    lead = driver.find_element(By.CSS_SELECTOR, "div.changes p.lead").text
    assert f"{len(rows)} 个目标年份的状态有变化" in lead
    labels = set(STATUS_LABELS["zh"].values())
    for r in rows:
        cells = r.find_elements(By.TAG_NAME, "td")
        old, new = (c.find_element(By.CSS_SELECTOR, ".badge").text for c in cells[2:4])
        assert old in labels and new in labels and old != new
        assert cells[4].text.endswith("。") and len(cells[4].text) > 5
    # the 2020 actual of 双师型 is named as the reason of its 2020 row
    texts = [r.text for r in rows]
    assert any("2020" in t and "新增 2020 年实际值 90.0%" in t for t in texts), texts
    _screenshot(driver, "changes-" + pages["茌平区"].stem)


def test_the_index_counts_the_changes_links_them_and_describes_the_run(driver, changed_pages):
    out, pages = changed_pages
    _open(driver, (out / "current" / "index.html").as_uri())
    assert _severe(driver) == [] and _remote_requests(driver) == []
    link = driver.find_element(By.CSS_SELECTOR, "table.index a[href$='#changes']")
    n = int(link.text)
    # the run information: inputs and their sha256 behind a details element, opened by a click
    details = driver.find_elements(By.CSS_SELECTOR, "details")[0]
    sha = details.find_element(By.TAG_NAME, "ul")
    assert not sha.is_displayed()
    details.find_element(By.TAG_NAME, "summary").click()
    assert sha.is_displayed() and "sha256" in sha.text and "filled.csv" in sha.text
    # the earlier run (the session's) is listed and its index opens
    earlier = driver.find_elements(By.CSS_SELECTOR, "ul.runs a")
    assert len(earlier) == 1
    _screenshot(driver, "index-after-a-second-run")
    link.click()
    WebDriverWait(driver, 30).until(lambda d: d.current_url.endswith("#changes"))
    assert len(driver.find_elements(By.CSS_SELECTOR, "table.changes tbody > tr")) == n
    _open(driver, (out / "current" / "index.html").as_uri())
    href = driver.find_element(By.CSS_SELECTOR, "ul.runs a").get_attribute("href")
    _open(driver, href)
    assert _severe(driver) == [] and "存档" in driver.find_element(By.TAG_NAME, "h1").text
