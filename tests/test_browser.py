"""The web form in a real browser: headless Chromium driving a real `scr serve` process.

Needs the Debian packages ``chromium`` and ``chromium-driver`` (``/usr/bin/chromium``,
``/usr/bin/chromedriver``); skipped, saying so, when Chromium is not installed (a missing
driver beside an installed Chromium is a failure, not a skip). The result
page is saved to ``test-artifacts/result.png`` (and, with ``SCR_UPDATE_SCREENSHOT=1``, to
``docs/screenshot-result.png`` for the README).
"""

from __future__ import annotations

import base64
import os
import re
import selectors
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

#: The browser; SCR_CHROMIUM names another path (a test of CI points it at nothing to see the skip).
CHROMIUM = Path(os.environ.get("SCR_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"needs headless Chromium: {CHROMIUM} is missing (apt-get install -y chromium chromium-driver)")

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

#: How long to wait for the server to print its address (a guard against a hung start, not a measurement).
START_LIMIT = 60


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A real `scr serve` on a free loopback port; yields the address it printed."""
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from scr_eligibility.cli.main import main; sys.exit(main())", "serve"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        selector = selectors.DefaultSelector()
        assert process.stdout is not None
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=START_LIMIT):
            pytest.fail("scr serve printed nothing")
        line = process.stdout.readline()
        match = re.match(r"Serving on (http://127\.0\.0\.1:\d+) — press Ctrl-C to stop", line)
        if match is None:
            process.kill()
            _, err = process.communicate()
            pytest.fail(f"scr serve did not start: {line!r} {err!r}")
        yield match.group(1)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """Headless Chromium with a fresh profile and no network services of its own."""
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}", "--window-size=1100,1400",
                 "--lang=en-GB"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


def _choose(driver: WebDriver, fact: str, value: str) -> None:
    """Click the label of an answer, as a person would."""
    driver.find_element(By.CSS_SELECTOR, f"label[for='f-{fact}-{value}']").click()


def _set_date(driver: WebDriver, fact: str, day: str) -> None:
    """Type a date as a person would (the form's date fields are text: DD/MM/YYYY or YYYY-MM-DD)."""
    field = driver.find_element(By.ID, f"f-{fact}")
    field.clear()
    field.send_keys(day)


def _submit(driver: WebDriver) -> None:
    driver.find_element(By.CSS_SELECTOR, "#facts button[type=submit]").click()
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".outcomes, .summary-box"))


def _fits_width(driver: WebDriver) -> bool:
    return bool(driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"))


def test_child_died_with_abuse_known_shows_scr_required_with_the_law_quoted(server: str, browser: WebDriver) -> None:
    """A child who died with abuse known, entered through the form, gives "SCR required" with M1 quoted and cited."""
    browser.set_window_size(1100, 1400)
    browser.get(server + "/?all=1")
    browser.find_element(By.ID, "f-case_reference").send_keys("BT-2017-014")
    _set_date(browser, "awareness_date", "2017-05-02")
    browser.find_element(By.ID, "f-age").send_keys("10")
    _choose(browser, "outcome", "died")
    _choose(browser, "abuse_or_neglect", "known")
    _choose(browser, "normally_resident", "yes")  # the LSCB where the child normally lives decides
    _submit(browser)

    headline = browser.find_element(By.CSS_SELECTOR, ".outcomes .outcome .big")
    assert headline.text == "SCR required"
    quotes = [q.text for q in browser.find_elements(By.TAG_NAME, "blockquote") if q.is_displayed()]
    assert any("abuse or neglect of a child is known or suspected" in q for q in quotes)
    citations = [c.text for c in browser.find_elements(By.TAG_NAME, "cite") if c.is_displayed()]
    assert any(c.startswith("LSCB Regulations 2006 (SI 2006/90) reg 5(2)(a),(b)(i); Working Together 2015 ch4")
               for c in citations)
    # the report to Ofsted and the LSCB, five working days from 2 May 2017 (Working Together 2015)
    assert any("9 May 2017" in d.text for d in browser.find_elements(By.CSS_SELECTOR, ".due"))

    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "result.png"))
    if os.environ.get("SCR_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(ARTIFACTS / "result.png", ROOT / "docs" / "screenshot-result.png")
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1100, min(int(height) + 120, 16000))
    browser.save_screenshot(str(ARTIFACTS / "result-full.png"))


def test_not_met_case_shows_threshold_not_met_and_why(server: str, browser: WebDriver) -> None:
    """A case no criterion meets gives "SCR threshold not met"; each criterion's source shows, its words unfold."""
    browser.set_window_size(1100, 1400)
    browser.get(server + "/?all=1")
    browser.find_element(By.ID, "f-age").send_keys("10")
    _choose(browser, "outcome", "neither")
    _choose(browser, "abuse_or_neglect", "not_known_or_suspected")
    _choose(browser, "parent_murdered", "no")
    _choose(browser, "inter_agency_concerns", "definitive_evidence_of_none")
    browser.find_element(By.CSS_SELECTOR, "label[for='f-edition-lscb-scr-2006']").click()
    _submit(browser)

    assert browser.find_element(By.CSS_SELECTOR, ".outcomes .outcome .big").text == "SCR threshold not met"
    m1 = browser.find_element(By.CSS_SELECTOR, "#edition-lscb-scr-2006 article.criterion.not_met")
    assert "Source: LSCB Regulations 2006 (SI 2006/90) reg 5(2)(a),(b)(i)" in m1.text
    assert "No: abuse or neglect is known or suspected (answer: not known or suspected)" in m1.text
    quote = m1.find_element(By.TAG_NAME, "blockquote")
    assert not quote.is_displayed()  # folded away until asked for
    m1.find_element(By.TAG_NAME, "summary").click()
    assert "abuse or neglect of a child is known or suspected" in quote.text
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "result-not-met.png"))


def test_pages_fit_a_phone_screen(server: str, browser: WebDriver) -> None:
    """At phone width (390 px) neither the form nor a decision scrolls sideways."""
    browser.set_window_size(390, 844)
    browser.get(server + "/?all=1")
    assert _fits_width(browser)
    _choose(browser, "outcome", "died")
    _choose(browser, "abuse_or_neglect", "suspected")
    _set_date(browser, "awareness_date", "2024-03-04")
    _submit(browser)
    assert browser.find_elements(By.CSS_SELECTOR, ".outcomes .outcome")
    assert _fits_width(browser)
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "result-phone.png"))


def test_printing_hides_the_buttons_but_keeps_the_decision(server: str, browser: WebDriver) -> None:
    """In print media the buttons and page banner are hidden and the outcome and quoted law remain."""
    browser.set_window_size(1100, 1400)
    browser.get(server + "/?all=1")
    _choose(browser, "outcome", "died")
    _choose(browser, "abuse_or_neglect", "known")
    browser.find_element(By.ID, "f-age").send_keys("15")
    _choose(browser, "normally_resident", "yes")
    _set_date(browser, "awareness_date", "2016-01-04")
    _submit(browser)
    assert browser.find_element(By.CSS_SELECTOR, "form.actions button").is_displayed()
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not any(b.is_displayed() for b in browser.find_elements(By.TAG_NAME, "button"))
        assert not browser.find_element(By.CSS_SELECTOR, "header.top").is_displayed()
        assert browser.find_element(By.CSS_SELECTOR, ".outcomes .outcome .big").text == "SCR required"
        assert any(q.is_displayed() for q in browser.find_elements(By.TAG_NAME, "blockquote"))
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_bad_answer_is_shown_beside_its_question(server: str, browser: WebDriver) -> None:
    """An impossible answer (aware before the incident) re-shows the form with the message beside the field."""
    browser.set_window_size(1100, 1400)
    browser.get(server + "/?all=1")
    _set_date(browser, "incident_date", "2018-01-10")
    _set_date(browser, "awareness_date", "2018-01-05")
    _choose(browser, "outcome", "died")
    _submit(browser)
    field = browser.find_element(By.ID, "q-awareness_date")
    assert "field-error" in (field.get_attribute("class") or "")
    assert "the authority cannot become aware of an incident before it happens" in field.text.lower()
    # The answers given are kept.
    assert browser.find_element(By.ID, "f-outcome-died").is_selected()
    assert browser.find_element(By.ID, "f-incident_date").get_attribute("value") == "2018-01-10"


def test_the_form_follows_the_case_from_the_dates(server: str, browser: WebDriver) -> None:
    """The dates first (DD/MM/YYYY); a 2024 case is then asked the Working Together 2023 questions only."""
    browser.set_window_size(1100, 1400)
    browser.get(server + "/")
    assert not browser.find_elements(By.ID, "f-outcome-died")
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "form-dates.png"))
    browser.find_element(By.ID, "f-case_reference").send_keys("BT-2024-007")
    _set_date(browser, "awareness_date", "04/03/2024")
    browser.find_element(By.XPATH, "//button[text()='Next: the questions for these dates']").click()
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "f-outcome-died"))
    assert not browser.find_elements(By.ID, "f-parent_murdered-yes")  # an LSCB-only question
    browser.save_screenshot(str(ARTIFACTS / "form-case.png"))
    browser.find_element(By.ID, "f-age").send_keys("9")
    _choose(browser, "outcome", "died")
    _choose(browser, "abuse_or_neglect", "suspected")
    _choose(browser, "location", "in_area")
    _submit(browser)
    todo = browser.find_element(By.ID, "what-to-do-now")
    assert todo.find_element(By.TAG_NAME, "h2").text == "What to do now"
    assert "Notify the Child Safeguarding Practice Review Panel" in todo.text
    assert "Monday 11 March 2024" in todo.text


def test_a_saved_case_file_uploads_into_the_form(server: str, browser: WebDriver) -> None:
    browser.set_window_size(1100, 1400)
    browser.get(server + "/")
    case = ROOT / "examples" / "wt2018-harm-in-scotland.notify_panel.yaml"
    browser.find_element(By.ID, "f-case_file").send_keys(str(case))
    browser.find_element(By.XPATH, "//button[text()='Load the case']").click()
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "f-outcome-seriously_harmed"))
    assert browser.find_element(By.ID, "f-outcome-seriously_harmed").is_selected()
    assert browser.find_element(By.ID, "f-case_reference").get_attribute("value") == "EX-WT18"
    _submit(browser)
    assert "Monday 23 August 2021" in browser.find_element(By.ID, "what-to-do-now").text


def test_the_printable_summary_fits_one_page(server: str, browser: WebDriver) -> None:
    """The printable summary: what to do now, the outcome, the criteria met with citations, on one A4 page."""
    browser.set_window_size(1100, 1400)
    browser.get(server + "/?all=1")
    browser.find_element(By.ID, "f-case_reference").send_keys("BT-2017-014")
    _set_date(browser, "awareness_date", "02/05/2017")
    browser.find_element(By.ID, "f-age").send_keys("10")
    _choose(browser, "outcome", "died")
    _choose(browser, "abuse_or_neglect", "known")
    _choose(browser, "normally_resident", "yes")
    _submit(browser)
    browser.find_element(By.XPATH, "//button[text()='Printable summary']").click()
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".summary-page"))
    text = browser.find_element(By.CSS_SELECTOR, ".summary-page").text
    assert text.index("What to do now") < text.index("Outcome") < text.index("Criteria met")
    assert "LSCB Regulations 2006 (SI 2006/90) reg 5(2)(a),(b)(i)" in text
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not any(b.is_displayed() for b in browser.find_elements(By.CSS_SELECTOR, "a.button, button"))
        pdf = browser.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69,
                                                           "preferCSSPageSize": True})
        assert _pages(pdf["data"]) == 1
        browser.set_window_size(794, 1123)  # A4 at 96 dpi, for the README's screenshot
        ARTIFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / "summary-print.png"))
        if os.environ.get("SCR_UPDATE_SCREENSHOT") == "1":
            shutil.copyfile(ARTIFACTS / "summary-print.png", ROOT / "docs" / "screenshot-summary.png")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def _pages(data: str) -> int:
    """The number of pages of a PDF from Chromium (its page objects)."""
    return len(re.findall(rb"/Type\s*/Page[^s]", base64.b64decode(data)))


CUSTODY_2024 = """case_reference: BT-2024-CUST
incident_date: 2024-05-01
awareness_date: 2024-05-02
age: 16
outcome: died
abuse_or_neglect: suspected
location: in_area
custody: on_remand
remanded_to: youth_detention_accommodation
custody_setting: young_offender_institution
looked_after: yes
"""


@pytest.mark.parametrize("case", ["overlap-2019-death-abuse-known.scr_required+notify_panel.yaml", "custody-2024"])
def test_the_longest_summaries_still_print_on_one_page(server: str, browser: WebDriver, case: str,
                                                      tmp_path: Path) -> None:
    """The overlap of two editions (six duties) and a 2024 death on remand (with its notes of other processes)."""
    path = ROOT / "examples" / case
    if case == "custody-2024":
        path = tmp_path / "custody.yaml"
        path.write_text(CUSTODY_2024, encoding="utf-8")
    browser.set_window_size(1100, 1400)
    browser.get(server + "/")
    browser.find_element(By.ID, "f-case_file").send_keys(str(path))
    browser.find_element(By.XPATH, "//button[text()='Load the case']").click()
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "f-outcome-died"))
    _submit(browser)
    browser.find_element(By.XPATH, "//button[text()='Printable summary']").click()
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".summary-page"))
    pdf = browser.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69,
                                                       "preferCSSPageSize": True})
    assert _pages(pdf["data"]) == 1
