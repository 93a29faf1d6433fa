"""A person imports a spreadsheet export in a real browser: a windows-1251 file with semicolons, the columns
mapped as the page suggests, a dry run that names the wrong row, the valid rows imported, the import undone."""
import pytest

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from test_browser import browser, sign_in  # noqa: E402,F401

ROWS = "Имя;Фамилия;Телефон;E-mail;Должность\r\nИван;Петров;+7 495 123-45-67;ivan@example.ru;Директор\r\nОльга;Смирнова;;не-адрес;Бухгалтер\r\nЁлкина;Анна;;anna@example.ru;\r\n"


def test_import_contacts_from_a_windows_1251_file(browser, sqlite_server, tmp_path):
    base = sqlite_server.url
    sign_in(browser, base)

    path = tmp_path / "контакты.csv"
    path.write_bytes(ROWS.encode("cp1251"))
    browser.get(f"{base}/imports")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=import-upload] input[type=file]").send_keys(str(path))
    browser.find_element(By.CSS_SELECTOR, "[data-testid=import-upload] button[type=submit]").click()
    WebDriverWait(browser, 10).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "[data-testid=import-mapping]")))
    assert "windows-1251" in browser.page_source and "Петров" in browser.page_source

    browser.find_element(By.CSS_SELECTOR, "[data-testid=import-run]").click()
    WebDriverWait(browser, 10).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "[data-testid=import-report]")))
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=import-valid]").text == "2"
    errors = browser.find_element(By.CSS_SELECTOR, "[data-testid=import-row-errors]").text
    assert "3" in errors and "не-адрес" in errors

    browser.find_element(By.CSS_SELECTOR, "input[name=mode][value=valid_only]").click()
    browser.find_element(By.CSS_SELECTOR, "[data-testid=import-run]").click()
    WebDriverWait(browser, 10).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "[data-testid=import-undo]")))
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=import-created]").text == "2"
    imported = browser.current_url
    browser.get(f"{base}/contacts?q=ivan@example.ru")
    assert "Петров" in browser.page_source

    browser.get(imported)
    browser.find_element(By.CSS_SELECTOR, "[data-testid=import-undo] button").click()
    WebDriverWait(browser, 10).until(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-testid=import-status]"), "Undone"))
    browser.get(f"{base}/contacts?q=ivan@example.ru")
    assert "Петров" not in browser.page_source
