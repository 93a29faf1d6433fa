"""A person imports a spreadsheet export in a real browser: a windows-1251 file with semicolons, the columns
mapped as the page suggests, a dry run that names the wrong row, the valid rows imported, the import undone."""
import pytest

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

from test_browser import browser, wait, sign_in  # noqa: E402,F401


def run_import(browser, until, timeout=10):
    """Runs the draft and waits for the page that answers it: the old page must go first, or its report would pass
    for the new one. The old page is marked rather than held by an element, which Chrome may report in several
    ways while it navigates away."""
    browser.execute_script("window.clienteleOldPage = true")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=import-run]").click()

    wait(browser, timeout).until(lambda driver: driver.execute_script("return window.clienteleOldPage !== true && document.readyState === 'complete'"))
    wait(browser, timeout).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, f"[data-testid={until}]")))


ROWS = "Имя;Фамилия;Телефон;E-mail;Должность\r\nИван;Петров;+7 495 123-45-67;ivan@example.ru;Директор\r\nОльга;Смирнова;;не-адрес;Бухгалтер\r\nЁлкина;Анна;;anna@example.ru;\r\n"


def test_import_contacts_from_a_windows_1251_file(browser, sqlite_server, tmp_path):
    base = sqlite_server.url
    sign_in(browser, base)

    path = tmp_path / "контакты.csv"
    path.write_bytes(ROWS.encode("cp1251"))
    browser.get(f"{base}/imports")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=import-upload] input[type=file]").send_keys(str(path))
    browser.find_element(By.CSS_SELECTOR, "[data-testid=import-upload] button[type=submit]").click()
    wait(browser, 10).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "[data-testid=import-mapping]")))
    assert "windows-1251" in browser.page_source and "Петров" in browser.page_source

    run_import(browser, "import-report")
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=import-valid]").text == "2"
    errors = browser.find_element(By.CSS_SELECTOR, "[data-testid=import-row-errors]").text
    assert "3" in errors and "не-адрес" in errors

    browser.find_element(By.CSS_SELECTOR, "input[name=mode][value=valid_only]").click()
    run_import(browser, "import-undo")
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=import-created]").text == "2"
    imported = browser.current_url
    browser.get(f"{base}/contacts?q=ivan@example.ru")
    assert "Петров" in browser.page_source

    browser.get(imported)
    browser.find_element(By.CSS_SELECTOR, "[data-testid=import-undo] button").click()
    wait(browser, 10).until(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-testid=import-status]"), "Undone"))
    browser.get(f"{base}/contacts?q=ivan@example.ru")
    assert "Петров" not in browser.page_source


DEALS = "Tytuł;Handlowiec;Firma;Etap;Data zamknięcia;Kwota\r\nDostawa rur;Ada Admin;Zakład Łódź;Wygrana;01.03.2017;1 200,50\r\nSerwis;Ada Admin;;Rozmowa;30.06.2017;300\r\nKabel;Ada Admin;Zakład Łódź;Przegrana;02.03.2017;10\r\n"


def test_import_deals_saying_what_each_stage_value_means(browser, sqlite_server, data_dir, tmp_path):
    """A Polish Excel export of deals: the page suggests the columns, knows Wygrana and Przegrana, and asks what
    Rozmowa means; the deals land in the funnel with their outcomes, and undo takes them back."""
    import requests
    from conftest import run

    base = sqlite_server.url
    token = run("token", "create", "--data-dir", data_dir, "--user", "admin@example.com").strip()
    headers = {"Authorization": f"Bearer {token}"}
    pipeline = requests.post(f"{base}/api/v1/pipelines", headers=headers, json={"name": "Sprzedaż", "currency": "PLN", "stages": [
        {"name": "Pierwszy kontakt", "probability": 10}, {"name": "Oferta", "probability": 50}]}).json()["id"]
    requests.post(f"{base}/api/v1/loss-reasons", headers=headers, json={"name": "Cena"}).raise_for_status()
    sign_in(browser, base)

    path = tmp_path / "szanse.csv"
    path.write_bytes(DEALS.encode("cp1250"))
    browser.get(f"{base}/imports")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=import-upload] input[type=file]").send_keys(str(path))
    Select(browser.find_element(By.CSS_SELECTOR, "[data-testid=import-upload] select[name=type]")).select_by_value("deals")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=import-upload] button[type=submit]").click()
    wait(browser, 10).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "[data-testid=import-deal-options]")))
    assert Select(browser.find_element(By.NAME, "pipeline_id")).first_selected_option.get_attribute("value") == str(pipeline)

    def meaning(value):
        return Select(browser.find_element(By.CSS_SELECTOR, f"[data-testid=import-stage-values] select[aria-label='{value}']"))

    assert meaning("Wygrana").first_selected_option.get_attribute("value") == "won"
    assert meaning("Przegrana").first_selected_option.get_attribute("value") == "lost"
    assert meaning("Rozmowa").first_selected_option.get_attribute("value") == ""

    # Unsaid, Rozmowa is taken as a stage's name, and the pipeline has none such; a lost deal needs a reason.
    run_import(browser, "import-report")
    errors = browser.find_element(By.CSS_SELECTOR, "[data-testid=import-row-errors]").text
    assert "Rozmowa" in errors and "loss reason" in errors, errors
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=import-valid]").text == "1"

    meaning("Rozmowa").select_by_value("Oferta")
    Select(browser.find_element(By.NAME, "default_loss_reason")).select_by_value("Cena")
    run_import(browser, "import-report")
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=import-valid]").text == "3"
    assert meaning("Rozmowa").first_selected_option.get_attribute("value") == "Oferta"

    browser.find_element(By.CSS_SELECTOR, "input[name=mode][value=all]").click()
    run_import(browser, "import-undo")
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=import-created]").text == "3"
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=import-companies-created]").text == "1"
    imported = browser.current_url
    deals = {d["title"]: d for d in requests.get(f"{base}/api/v1/deals", headers=headers).json()["items"]}
    assert deals["Dostawa rur"]["status"] == "won" and deals["Dostawa rur"]["amount"] == "1200.50"
    assert deals["Kabel"]["status"] == "lost" and deals["Serwis"]["expected_close_date"] == "2017-06-30"

    browser.get(imported)
    browser.find_element(By.CSS_SELECTOR, "[data-testid=import-undo] button").click()
    wait(browser, 10).until(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-testid=import-status]"), "Undone"))
    assert requests.get(f"{base}/api/v1/deals", headers=headers).json()["items"] == []


def test_a_big_import_shows_its_progress(browser, sqlite_server, tmp_path):
    """12,000 contacts: the page shows rows read, checked and written as the run streams them, then the result."""
    base = sqlite_server.url
    sign_in(browser, base)
    path = tmp_path / "many.csv"
    path.write_text("First name,Last name,E-mail\n" + "".join(f"Anna,Nowak{i},anna{i}@example.pl\n" for i in range(12000)), encoding="utf-8")
    browser.get(f"{base}/imports")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=import-upload] input[type=file]").send_keys(str(path))
    browser.find_element(By.CSS_SELECTOR, "[data-testid=import-upload] button[type=submit]").click()
    wait(browser, 20).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "[data-testid=import-mapping]")))
    draft = browser.current_url
    # Every text the progress line shows is kept where it outlives the page's navigation to the result.
    browser.execute_script("""
        sessionStorage.setItem('seen', '[]');
        const label = document.querySelector('[data-testid=import-progress] span');
        new MutationObserver(() => {
          const seen = JSON.parse(sessionStorage.getItem('seen'));
          seen.push(label.textContent);
          sessionStorage.setItem('seen', JSON.stringify(seen));
        }).observe(label, {childList: true, characterData: true, subtree: true});
    """)
    browser.find_element(By.CSS_SELECTOR, "input[name=mode][value=all]").click()
    run_import(browser, "import-undo", timeout=120)
    assert browser.current_url == draft, "the script opened the import's page, not the form's answer"
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=import-created]").text == "12000"
    seen = browser.execute_script("return JSON.parse(sessionStorage.getItem('seen'))")
    assert any("5" in text and "12" in text for text in seen), seen
    assert any(text.startswith("Writing records") for text in seen), seen


def test_a_contacts_file_makes_the_companies_it_names(browser, sqlite_server, tmp_path):
    """The option is on by default: the companies a contacts file names that no one has are made, linked, and taken
    away again when the import is undone."""
    base = sqlite_server.url
    sign_in(browser, base)
    path = tmp_path / "ludzie.csv"
    path.write_text("Imię;Nazwisko;Firma\r\nJan;Nowak;Huta Łaziska\r\nEwa;Wrona;Huta Łaziska\r\n", encoding="utf-8")
    browser.get(f"{base}/imports")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=import-upload] input[type=file]").send_keys(str(path))
    browser.find_element(By.CSS_SELECTOR, "[data-testid=import-upload] button[type=submit]").click()
    wait(browser, 10).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "[data-testid=import-mapping]")))
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=create-companies]").is_selected()
    browser.find_element(By.CSS_SELECTOR, "input[name=mode][value=all]").click()
    run_import(browser, "import-undo")
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=import-created]").text == "2"
    imported = browser.current_url
    browser.get(f"{base}/companies?q=Łaziska")
    browser.find_element(By.LINK_TEXT, "Huta Łaziska").click()
    people = browser.find_element(By.TAG_NAME, "main").text
    assert "Jan Nowak" in people and "Ewa Wrona" in people

    browser.get(imported)
    browser.find_element(By.CSS_SELECTOR, "[data-testid=import-undo] button").click()
    wait(browser, 10).until(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-testid=import-status]"), "Undone"))
    browser.get(f"{base}/companies?q=Łaziska")
    assert "Huta Łaziska" not in browser.find_element(By.CSS_SELECTOR, "[data-testid=list]").text
