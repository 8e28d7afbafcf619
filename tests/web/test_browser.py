"""The questionnaire in a real browser: Debian's chromium, driven by Selenium through chromedriver.

An owner fills the form, submits it, reads the verdict, follows a warning to its step,
changes the language, tries other hours, and gets a bad answer pointed out beside its
field. The app runs on waitress, as `advise serve` runs it. `.ci/run` installs chromium
and chromium-driver, so on CI (CI set) these tests fail rather than skip without them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from advise.web.app import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

ON_CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")

if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
    if ON_CI:
        pytest.fail("chromium and chromedriver are needed on CI (.ci/run installs them)", pytrace=False)
    pytest.skip("no chromium/chromedriver here: apt-get install chromium chromium-driver", allow_module_level=True)

if ON_CI:
    import selenium.webdriver as webdriver  # installed by the test extra: missing on CI is a failure
else:
    webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def server(serve):
    return f"http://127.0.0.1:{serve(create_app())}"


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="advise-chromium-")
    # As root in a container: no sandbox; and no call to any outside service at start.
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--window-size=1100,900", "--lang=en-US", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def fill(driver, answers: dict[str, object]) -> None:
    """Type, tick and choose as an owner would: by clicking labels and typing in fields."""
    for name, value in answers.items():
        if isinstance(value, list):
            for choice in value:
                box = driver.find_element(By.CSS_SELECTOR, f'input[name="{name}"][value="{choice}"]')
                if not box.is_selected():
                    driver.find_element(By.CSS_SELECTOR, f'label[for="{box.get_attribute("id")}"]').click()
        elif isinstance(value, bool):
            box = driver.find_element(By.CSS_SELECTOR, f'input[name="{name}"][type="checkbox"]')
            if box.is_selected() != value:
                driver.find_element(By.CSS_SELECTOR, f'label[for="{box.get_attribute("id")}"]').click()
        elif isinstance(value, str) and driver.find_elements(By.CSS_SELECTOR, f'input[name="{name}"][type="radio"]'):
            driver.find_element(By.CSS_SELECTOR, f'input[name="{name}"][value="{value}"]').click()
        else:
            field = driver.find_element(By.CSS_SELECTOR, f'input[name="{name}"]')
            field.clear()
            field.send_keys(str(value))


FLORIST = {
    "business.name": "Les Fleurs d'Agathe",
    "business.size": "tpe",
    "business.audience": "b2c",
    "business.local": True,
    "business.visual_products": True,
    "resources.weekly_hours": "3",
    "resources.monthly_budget": "50",
    "objectives": ["community", "sales"],
    "content.editorial_ideas": True,
    "content.can_reply_within_a_day": True,
    "profiles.planned": ["facebook", "instagram"],
}


def submit(driver, button_id: str = "submit") -> None:
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, button_id).click()
    WebDriverWait(driver, 30).until(lambda d: old != d.find_element(By.TAG_NAME, "html"))


def verdict_title(driver) -> str:
    return driver.find_element(By.CSS_SELECTOR, "#verdict .title").text


def test_an_owner_fills_the_form_and_reads_the_verdict(server, browser) -> None:
    browser.get(server + "/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"  # from the browser's language
    fill(browser, FLORIST)
    submit(browser)
    assert browser.title == "Advice for Les Fleurs d'Agathe"
    assert verdict_title(browser).startswith("Verdict: ")
    assert browser.find_element(By.ID, "profiles").is_displayed()
    # The same verdict as the library gives for the same answers.
    from advise.advisor import Advisor
    from advise.sheet.facts import fact_sheet_from_mapping

    mapping = {"business": {"name": "x", "size": "tpe", "audience": "b2c", "local": True, "visual_products": True},
               "resources": {"weekly_hours": 3, "monthly_budget": 50}, "objectives": ["community", "sales"],
               "content": {"editorial_ideas": True, "can_reply_within_a_day": True},
               "profiles": {"planned": ["facebook", "instagram"]}}
    verdict = Advisor(cache=True).run(fact_sheet_from_mapping(mapping)).facts["verdict"]
    assert "verdict-" + verdict in browser.find_element(By.ID, "verdict").get_attribute("class")


def test_a_warning_leads_to_its_step(server, browser) -> None:
    browser.get(server + "/?lang=en")
    fill(browser, {**FLORIST, "content.editorial_ideas": False})
    submit(browser)
    link = browser.find_element(By.CSS_SELECTOR, "#warnings article.warning a[href^='#step-']")
    target = link.get_attribute("href").split("#", 1)[1]
    link.click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("#" + target))
    step = browser.find_element(By.ID, target)
    top = browser.execute_script("return arguments[0].getBoundingClientRect().top", step)
    assert abs(top) < 50  # the step is at the top of the window
    assert step.find_element(By.CSS_SELECTOR, "h4, h3").text


def test_the_owner_changes_the_language(server, browser) -> None:
    browser.get(server + "/")
    browser.find_element(By.CSS_SELECTOR, "nav.languages a[hreflang='fr']").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr")
    assert "Quelle est la taille de l'entreprise ?" in browser.page_source
    assert browser.find_element(By.ID, "f-lang-fr").is_selected()  # and the report will be in French
    fill(browser, FLORIST)
    submit(browser)
    assert browser.title == "Conseil pour Les Fleurs d'Agathe"
    assert verdict_title(browser).startswith("Verdict : ")


def test_a_bad_answer_is_shown_beside_its_field(server, browser) -> None:
    browser.get(server + "/?lang=en")
    fill(browser, {**FLORIST, "resources.weekly_hours": "three"})
    submit(browser)
    field = browser.find_element(By.ID, "f-resources-weekly-hours")
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby").split()
    error = browser.find_element(By.ID, "f-resources-weekly-hours-error")
    assert error.get_attribute("id") in described
    assert "'three' is not a number" in error.text
    # Beside it: in the same question, just above the field, and the answers are kept.
    question = browser.find_element(By.ID, "q-f-resources-weekly-hours")
    assert error in question.find_elements(By.CSS_SELECTOR, ".error")
    gap = field.location["y"] - (error.location["y"] + error.size["height"])
    assert 0 <= gap < 40
    assert field.get_attribute("value") == "three"
    assert browser.find_element(By.ID, "f-business-name").get_attribute("value") == "Les Fleurs d'Agathe"
    # The summary at the top links to the field.
    summary = browser.find_element(By.ID, "error-summary")
    summary.find_element(By.CSS_SELECTOR, "a[href='#f-resources-weekly-hours']").click()
    assert browser.switch_to.active_element == field
    # Fixing it gives the report.
    field.clear()
    field.send_keys("3")
    submit(browser)
    assert verdict_title(browser).startswith("Verdict: ")


def test_what_if_and_change_my_answers(server, browser) -> None:
    browser.get(server + "/?lang=en")
    fill(browser, FLORIST)
    submit(browser)
    before = verdict_title(browser)
    hours = browser.find_element(By.ID, "f-what-if-resources-weekly-hours")
    hours.clear()
    hours.send_keys("0")
    submit(browser, "what-if-submit")
    assert verdict_title(browser) != before
    assert "3 h/week" in browser.find_element(By.CSS_SELECTOR, ".changes").text
    submit(browser, "change-answers")
    assert browser.find_element(By.ID, "f-resources-weekly-hours").get_attribute("value") == "3"
    assert browser.find_element(By.ID, "f-profiles-planned-instagram").is_selected()


def test_screenshots_of_the_pages_are_taken(server, browser, tmp_path: Path) -> None:
    """Not a visual check: the pages render in full (a consultant looks at these files)."""
    out = Path(os.environ.get("ADVISE_SCREENSHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    browser.get(server + "/?lang=fr")
    assert browser.save_screenshot(str(out / "questionnaire-fr.png"))
    fill(browser, {**FLORIST, "resources.weekly_hours": "trois"})
    submit(browser)
    assert browser.save_screenshot(str(out / "questionnaire-error-fr.png"))
    browser.find_element(By.ID, "f-resources-weekly-hours").clear()
    browser.find_element(By.ID, "f-resources-weekly-hours").send_keys("3")
    submit(browser)
    assert browser.save_screenshot(str(out / "report-fr.png"))


def test_the_questionnaire_works_under_a_path_of_the_consultants_site(browser, serve) -> None:
    """Behind a proxy at https://site/conseil/, every link and form stays under /conseil/."""
    from werkzeug.middleware.dispatcher import DispatcherMiddleware
    from werkzeug.wrappers import Response

    mounted = DispatcherMiddleware(Response("the consultant's own site", status=200), {"/conseil": create_app()})
    base = f"http://127.0.0.1:{serve(mounted)}/conseil/"
    browser.get(base)
    browser.find_element(By.CSS_SELECTOR, "nav.languages a[hreflang='fr']").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr")
    assert browser.current_url == base + "?lang=fr"
    fill(browser, FLORIST)
    submit(browser)
    assert browser.current_url == base and verdict_title(browser).startswith("Verdict : ")
    submit(browser, "change-answers")
    assert browser.current_url == base + "edit"
    assert browser.find_element(By.ID, "f-resources-weekly-hours").get_attribute("value") == "3"
    submit(browser)
    assert browser.current_url == base and verdict_title(browser).startswith("Verdict : ")
