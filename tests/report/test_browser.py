"""The report in a real browser: headless Chromium opens the file from disk, with networking
features off, logs no console errors, and shows the matrix, the figures and an opened card."""

import tempfile
from pathlib import Path

import pytest

from report_rows import GEM, LABEL_DEFINITIONS
from tractor.report import build_report

CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1200,900"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMEDRIVER.exists():
        pytest.skip("chromium-driver is not installed (/usr/bin/chromedriver missing)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.TemporaryDirectory(prefix="tractor-chromium-")
    options.add_argument(f"--user-data-dir={profile.name}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()
    profile.cleanup()


@pytest.fixture(scope="module")
def page(browser, dataset, tmp_path_factory):
    out = tmp_path_factory.mktemp("browser") / "report.html"
    report = build_report(dataset, out, label_definitions=LABEL_DEFINITIONS)
    browser.get(report.as_uri())
    return browser


def test_no_console_errors(page):
    assert page.execute_script("return document.readyState") == "complete"
    assert page.title == "LLMs on the homework: course retrospective"
    assert [entry for entry in page.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")] == []


# The matrix renders as a table with a row per part plus the total row, and fits the page.
def test_matrix_visible(page):
    from selenium.webdriver.common.by import By

    matrix = page.find_element(By.ID, "matrix")
    assert matrix.is_displayed()
    rows = [r.find_element(By.TAG_NAME, "th").text for r in matrix.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert rows == ["1c", "3b", "4b", "6b.i", "6b.ii", "all parts"]
    assert matrix.size["width"] <= page.find_element(By.TAG_NAME, "body").size["width"]


# Each figure is an inline SVG laid out with a real size.
@pytest.mark.parametrize("figure", ["first-attempt-matrix", "labels-by-model", "labels-by-part",
                                    "attempts-until-correct", "refusal-funnel"])
def test_figure_rendered(page, figure):
    from selenium.webdriver.common.by import By

    svg = page.find_element(By.CSS_SELECTOR, f"#fig-{figure} svg")
    assert svg.is_displayed() and svg.size["width"] > 200 and svg.size["height"] > 100


# Following a link to a transcript opens its card.
def test_link_opens_card(page):
    from selenium.webdriver.common.by import By

    card = page.find_element(By.ID, f"t-{GEM}")
    assert card.get_attribute("open") is None
    from selenium.webdriver.support.ui import WebDriverWait

    page.find_element(By.CSS_SELECTOR, f'table a[href="#t-{GEM}"]').click()
    # the card opens from a hashchange handler, which may run after click() returns
    WebDriverWait(page, 5).until(lambda _: card.get_attribute("open") is not None)
    assert card.get_attribute("open") == "true"
    assert "I can't provide answers to graded homework" in card.text
