"""A person in a real browser (headless Chromium driven by Selenium): sign in, create records, find them, sign out."""
import shutil

import pytest

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

from conftest import PASSWORD  # noqa: E402

CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture
def browser():
    if not CHROMEDRIVER or not (shutil.which("chromium") or shutil.which("chromium-browser")):
        pytest.skip("chromium and chromium-driver are not installed")
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=en"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def wait(driver, timeout=10):
    """A wait that polls through a navigation: Chrome may answer a look-up made while the next page replaces the
    current one with a stale element or an "unhandled inspector error" (CI failed on both), which a plain
    WebDriverWait stops at although the next poll would find the new page."""
    return WebDriverWait(driver, timeout, ignored_exceptions=(WebDriverException,))


def fill(driver, name, value):
    field = driver.find_element(By.NAME, name)
    field.clear()
    field.send_keys(value)


def pick_company(driver, typed, name):
    """Chooses a company in a form's search-as-you-type field: types part of the name, clicks the suggestion."""
    field = driver.find_element(By.CSS_SELECTOR, "[data-testid=company-search]")
    field.clear()
    field.send_keys(typed)
    choices = driver.find_element(By.CSS_SELECTOR, "[data-testid=company-choices]")
    wait(driver, 10).until(lambda _: choices.is_displayed() and name in choices.text)
    next(option for option in choices.find_elements(By.TAG_NAME, "li") if option.text == name).click()


def chosen_company(driver):
    return driver.find_element(By.CSS_SELECTOR, "[data-testid=company-search]").get_attribute("value")


def sign_in(driver, base, email="admin@example.com"):
    """Signs in through the login page and waits for the dashboard."""
    driver.get(f"{base}/login")
    fill(driver, "email", email)
    fill(driver, "password", PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(driver, 10).until(expected_conditions.url_to_be(f"{base}/"))


def test_sign_in_create_find_sign_out(browser, sqlite_server, tmp_path):
    base = sqlite_server.url
    browser.get(f"{base}/companies")
    assert "/login" in browser.current_url
    fill(browser, "email", "admin@example.com")
    fill(browser, "password", PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser, 10).until(expected_conditions.url_contains("/companies"))

    polish = "Zakłady Żółć Łódź sp. z o.o."
    browser.get(f"{base}/companies/new")
    fill(browser, "name", polish)
    fill(browser, "phones", "42 123 45 67")
    fill(browser, "city", "Łódź")
    Select(browser.find_element(By.NAME, "priority")).select_by_value("A")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=save]").click()
    wait(browser, 10).until(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-testid=title]"), polish))
    assert "+48421234567" in browser.page_source

    browser.get(f"{base}/contacts/new")
    fill(browser, "first_name", "Алексей")
    fill(browser, "middle_name", "Сергеевич")
    fill(browser, "last_name", "Смирнов")
    pick_company(browser, "żółć", polish)
    browser.find_element(By.CSS_SELECTOR, "[data-testid=save]").click()
    wait(browser, 10).until(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-testid=title]"), "Алексей Сергеевич Смирнов"))

    browser.get(f"{base}/companies")
    search = browser.find_element(By.CSS_SELECTOR, "[data-testid=search]")
    search.send_keys("lodz zolc")
    search.submit()
    wait(browser, 10).until(expected_conditions.url_contains("q=lodz"))
    assert polish in browser.find_element(By.CSS_SELECTOR, "[data-testid=list]").text

    browser.get(f"{base}/contacts")
    search = browser.find_element(By.CSS_SELECTOR, "[data-testid=search]")
    search.send_keys("смирнов")
    search.submit()
    wait(browser, 10).until(expected_conditions.url_contains("q="))
    assert "Алексей Сергеевич Смирнов" in browser.find_element(By.CSS_SELECTOR, "[data-testid=list]").text

    browser.save_screenshot(str(tmp_path / "contacts.png"))

    # The search box in the top bar suggests as you type; Enter opens every match, grouped by record type.
    box = browser.find_element(By.CSS_SELECTOR, "[data-testid=global-search]")
    box.send_keys("смирн")
    wait(browser, 10).until(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-testid=typeahead]"), "Алексей Сергеевич Смирнов"))
    browser.find_element(By.CSS_SELECTOR, "[data-testid=typeahead] a").click()
    wait(browser, 10).until(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-testid=title]"), "Алексей Сергеевич Смирнов"))
    box = browser.find_element(By.CSS_SELECTOR, "[data-testid=global-search]")
    box.send_keys("(042) 123-45-67")
    box.submit()
    wait(browser, 10).until(expected_conditions.url_contains("/search?q="))
    assert polish in browser.find_element(By.CSS_SELECTOR, "[data-testid=search-companies]").text
    browser.find_element(By.CSS_SELECTOR, "[data-testid=search-page-input]").clear()
    browser.find_element(By.CSS_SELECTOR, "[data-testid=search-page-input]").send_keys("nikogo takiego")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=search-page-input]").submit()
    wait(browser, 10).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "[data-testid=search-empty]")))

    # The same person typed in Latin letters is recognised: the form warns and names the existing contact, and
    # creates the new one only when the user says it is someone else.
    browser.get(f"{base}/contacts/new")
    fill(browser, "first_name", "Aleksei")
    fill(browser, "last_name", "Smirnov")
    fill(browser, "middle_name", "Sergeevich")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=save]").click()
    warning = wait(browser, 10).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "[data-testid=duplicates]")))
    assert "Алексей Сергеевич Смирнов" in warning.text
    assert browser.find_element(By.NAME, "last_name").get_attribute("value") == "Smirnov"
    browser.find_element(By.CSS_SELECTOR, "[data-testid=allow-duplicates]").click()
    browser.find_element(By.CSS_SELECTOR, "[data-testid=save]").click()
    wait(browser, 10).until(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-testid=title]"), "Aleksei Sergeevich Smirnov"))

    # Its page names the look-alike; merging keeps the Cyrillic name picked row by row, and undo splits them again.
    candidates = browser.find_element(By.CSS_SELECTOR, "[data-testid=merge-candidates]")
    assert "Алексей Сергеевич Смирнов" in candidates.text
    browser.find_element(By.CSS_SELECTOR, "[data-testid=merge-link]").click()
    wait(browser, 10).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "[data-testid=merge-form]")))
    for field in ["first_name", "middle_name", "last_name"]:
        browser.find_element(By.CSS_SELECTOR, f"[data-testid=take-{field}]").click()
    browser.find_element(By.CSS_SELECTOR, "[data-testid=merge]").click()
    wait(browser, 10).until(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-testid=title]"), "Алексей Сергеевич Смирнов"))
    assert polish in browser.page_source  # the company came with the merged contact
    browser.find_element(By.CSS_SELECTOR, "[data-testid=undo-merge]").click()
    wait(browser, 10).until(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-testid=title]"), "Aleksei Sergeevich Smirnov"))
    browser.get(f"{base}/contacts?q=smirnov")
    listed = browser.find_element(By.CSS_SELECTOR, "[data-testid=list]").text
    assert "Алексей Сергеевич Смирнов" in listed and "Aleksei Sergeevich Smirnov" in listed

    browser.find_element(By.CSS_SELECTOR, "[data-testid=user-menu]").click()
    browser.find_element(By.CSS_SELECTOR, "[data-testid=logout]").click()
    wait(browser, 10).until(expected_conditions.url_contains("/login"))
    browser.get(f"{base}/companies")
    assert "/login" in browser.current_url


def test_desktop_bar_fits_in_every_language(browser, sqlite_server):
    """An admin's bar, every section and the settings menu, fits a 1280px screen in each language (it ran off the
    screen with the settings pages in it), and the menu opens onto those pages."""
    browser.set_window_size(1280, 900)
    base = sqlite_server.url
    sign_in(browser, base)
    for language in ["en", "pl", "ru", "hu", "bg"]:
        browser.find_element(By.CSS_SELECTOR, "[data-testid=user-menu]").click()
        Select(browser.find_element(By.NAME, "language")).select_by_value(language)
        wait(browser).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == language)
        for path in ["/", "/companies", "/admin/fields"]:
            browser.get(f"{base}{path}")
            width = browser.execute_script("return document.documentElement.scrollWidth")
            assert width <= 1280, f"{path} is {width}px wide in {language}"
            bar = browser.execute_script("return document.querySelector('.topbar').getBoundingClientRect().height")
            assert bar < 60, f"the bar wraps to {bar}px on {path} in {language}"
    browser.find_element(By.CSS_SELECTOR, "[data-testid=settings-menu]").click()
    browser.find_element(By.CSS_SELECTOR, ".nav-menu-panel a[href='/admin/users']").click()
    wait(browser).until(expected_conditions.url_to_be(f"{base}/admin/users"))


def test_phone_layout_has_no_horizontal_scroll(browser, sqlite_server):
    browser.set_window_size(390, 844)
    base = sqlite_server.url
    sign_in(browser, base)
    for path in ["/", "/companies", "/companies/new", "/contacts"]:
        browser.get(f"{base}{path}")
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide on a phone"
