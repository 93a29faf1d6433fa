"""Custom fields in a real browser: an admin adds a field, a user fills it in on a form, and the list shows and
filters by it."""
import pytest

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

from test_browser import browser, wait, fill, sign_in  # noqa: E402,F401


def test_add_a_field_fill_it_filter_by_it(browser, sqlite_server):
    base = sqlite_server.url
    sign_in(browser, base)
    browser.get(f"{base}/admin/fields")
    form = browser.find_element(By.CSS_SELECTOR, "[data-testid=new-field]")
    Select(form.find_element(By.NAME, "record_type")).select_by_value("company")
    Select(form.find_element(By.NAME, "kind")).select_by_value("choice")
    form.find_element(By.NAME, "key").send_keys("tier")
    form.find_element(By.NAME, "label").send_keys("Poziom partnerstwa")
    form.find_element(By.NAME, "options").send_keys("Złoty\nSrebrny")
    form.find_element(By.NAME, "in_list").click()
    form.find_element(By.CSS_SELECTOR, "[data-testid=create-field]").click()
    wait(browser, 10).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "[data-testid=field-tier]")))

    for name, tier in [("Łódź Metal", "Złoty"), ("Győr Kft", "Srebrny")]:
        browser.get(f"{base}/companies/new")
        fill(browser, "name", name)
        Select(browser.find_element(By.NAME, "cf.tier")).select_by_visible_text(tier)
        browser.find_element(By.CSS_SELECTOR, "[data-testid=save]").click()
        wait(browser, 10).until(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-testid=title]"), name))
        assert tier in browser.find_element(By.CSS_SELECTOR, "[data-testid=custom-value]").text

    browser.get(f"{base}/companies")
    assert "Poziom partnerstwa" in browser.find_element(By.CSS_SELECTOR, "[data-testid=list] thead").text
    Select(browser.find_element(By.NAME, "cf.tier")).select_by_value("Srebrny")
    browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    wait(browser, 10).until(expected_conditions.url_contains("cf.tier=Srebrny"))
    rows = browser.find_element(By.CSS_SELECTOR, "[data-testid=list] tbody").text
    assert "Győr Kft" in rows and "Łódź Metal" not in rows and "Srebrny" in rows
