"""Admin without traps, in a real browser: team members ticked one by one, a stage placed where it belongs and
named in each language, loss reasons renamed, translated and switched off, a custom field's key suggested from its
label, and one page listing every setting."""
import pytest
import requests

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

from conftest import PASSWORD, run  # noqa: E402
from test_browser import browser, wait, fill, sign_in  # noqa: E402,F401


def api(base, token, method, path, **kwargs):
    response = requests.request(method, f"{base}/api/v1{path}", headers={"Authorization": f"Bearer {token}"}, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


def submit(driver, element):
    """Clicks a submit button and waits for the page it leads to (the old page must go: the address may not change)."""
    driver.execute_script("window.clienteleOldPage = true")
    element.click()
    wait(driver, 10).until(lambda d: d.execute_script("return window.clienteleOldPage !== true && document.readyState === 'complete'"))


def test_admin_pages_have_no_traps(browser, sqlite_server, data_dir):
    base = sqlite_server.url
    token = run("token", "create", "--data-dir", data_dir, "--user", "admin@example.com").strip()
    for email, name in [("anna@example.com", "Anna Zięba"), ("boris@example.com", "Борис Петров"), ("csaba@example.com", "Csaba Tóth")]:
        run("user", "add", "--data-dir", data_dir, "--email", email, "--name", name, "--role", "sales_rep", "--locale", "ru", "--password-stdin",
            stdin=PASSWORD + "\n")
    users = {u["email"]: u["id"] for u in api(base, token, "GET", "/users")["items"]}
    team = api(base, token, "POST", "/teams", json={"name": "Wschód", "member_ids": [users["anna@example.com"], users["boris@example.com"]]})
    pipeline = api(base, token, "POST", "/pipelines", json={"name": "Sprzedaż", "currency": "PLN", "stages": [
        {"name": "Kontakt", "probability": 10}, {"name": "Umowa", "probability": 90}]})
    reason = api(base, token, "POST", "/loss-reasons", json={"name": "Cena"})
    api(base, token, "POST", "/loss-reasons", json={"name": "Termin"})

    sign_in(browser, base)
    browser.get(f"{base}/settings")
    listed = browser.find_element(By.CSS_SELECTOR, "[data-testid=company-settings]").text
    for page in ["Users", "Teams", "Pipelines", "Fields"]:
        assert page in listed

    # Adding one member is one tick; the others stay.
    browser.get(f"{base}/admin/teams")
    members = browser.find_element(By.CSS_SELECTOR, "[data-testid=team-members]")
    members.find_element(By.CSS_SELECTOR, f"input[value='{users['csaba@example.com']}']").click()
    submit(browser, members.find_element(By.XPATH, "ancestor::form").find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert set(api(base, token, "GET", f"/teams/{team['id']}")["member_ids"]) == {users["anna@example.com"], users["boris@example.com"], users["csaba@example.com"]}

    # A stage goes where it belongs, named in each language.
    browser.get(f"{base}/admin/pipelines")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=new-stage-name]").send_keys("Oferta")
    Select(browser.find_element(By.CSS_SELECTOR, "[data-testid=new-stage-after]")).select_by_visible_text("After Kontakt")
    form = browser.find_element(By.CSS_SELECTOR, "[data-testid=new-stage-name]").find_element(By.XPATH, "ancestor::form")
    form.find_element(By.CSS_SELECTOR, "details.translations summary").click()
    form.find_element(By.CSS_SELECTOR, "[data-testid=name_ru]").send_keys("Предложение")
    submit(browser, form.find_element(By.CSS_SELECTOR, "[data-testid=add-stage]"))
    stages = api(base, token, "GET", f"/pipelines/{pipeline['id']}")["stages"]
    assert [s["name"] for s in stages] == ["Kontakt", "Oferta", "Umowa"] and stages[1]["translations"] == {"ru": "Предложение"}

    # A loss reason is renamed, translated and switched off.
    browser.get(f"{base}/admin/pipelines")
    row = browser.find_element(By.CSS_SELECTOR, f"[data-testid=loss-reason-{reason['id']}]")
    row.find_element(By.NAME, "name").clear()
    row.find_element(By.NAME, "name").send_keys("Za wysoka cena")
    row.find_element(By.CSS_SELECTOR, "details.translations summary").click()
    row.find_element(By.CSS_SELECTOR, "[data-testid=name_ru]").send_keys("Слишком дорого")
    submit(browser, row.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    named = next(r for r in api(base, token, "GET", "/loss-reasons")["items"] if r["id"] == reason["id"])
    assert named["name"] == "Za wysoka cena" and named["translations"] == {"ru": "Слишком дорого"}

    # A Russian rep sees the new stage and the reason in Russian on the deal page.
    deal = api(base, token, "POST", "/deals", json={"title": "Сделка", "pipeline_id": pipeline["id"], "stage_id": stages[0]["id"],
                                                    "owner_id": users["boris@example.com"], "team_id": team["id"]})
    browser.delete_all_cookies()
    sign_in(browser, base, "boris@example.com")
    browser.get(f"{base}/deals/{deal['id']}")
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Предложение" in page
    reasons = [o.text for o in Select(browser.find_element(By.CSS_SELECTOR, "[data-testid=loss-reason]")).options]
    assert "Слишком дорого" in reasons and "Termin" in reasons

    # Switched off, it is offered no more.
    browser.delete_all_cookies()
    sign_in(browser, base)
    browser.get(f"{base}/admin/pipelines")
    row = browser.find_element(By.CSS_SELECTOR, f"[data-testid=loss-reason-{reason['id']}]")
    row.find_element(By.NAME, "active").click()
    submit(browser, row.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    browser.get(f"{base}/deals/{deal['id']}")
    reasons = [o.text for o in Select(browser.find_element(By.CSS_SELECTOR, "[data-testid=loss-reason]")).options]
    assert "Za wysoka cena" not in reasons and "Termin" in reasons

    # A custom field's key follows its label until the admin types one.
    browser.get(f"{base}/admin/fields")
    new_field = browser.find_element(By.CSS_SELECTOR, "[data-testid=new-field]")
    new_field.find_element(By.NAME, "label").send_keys("Data odnowienia umowy")
    assert new_field.find_element(By.NAME, "key").get_attribute("value") == "data_odnowienia_umowy"
    new_field.find_element(By.NAME, "label").clear()
    new_field.find_element(By.NAME, "label").send_keys("Дата продления")
    assert new_field.find_element(By.NAME, "key").get_attribute("value") == "data_prodleniya"


def test_custom_field_labels_and_options_in_the_readers_language(browser, sqlite_server, data_dir):
    base = sqlite_server.url
    token = run("token", "create", "--data-dir", data_dir, "--user", "admin@example.com").strip()
    run("user", "add", "--data-dir", data_dir, "--email", "olga@example.com", "--name", "Ольга", "--role", "sales_manager", "--locale", "ru",
        "--password-stdin", stdin=PASSWORD + "\n")
    field = api(base, token, "POST", "/fields", json={"record_type": "company", "key": "tier", "label": "Poziom", "kind": "choice",
                                                      "options": ["Złoty", "Srebrny"], "in_list": True})
    olga = next(u["id"] for u in api(base, token, "GET", "/users")["items"] if u["email"] == "olga@example.com")
    company = api(base, token, "POST", "/companies", json={"name": "ООО «Ёлочка»", "custom": {"tier": "Złoty"}, "owner_id": olga})

    sign_in(browser, base)
    browser.get(f"{base}/admin/fields")
    form = browser.find_element(By.CSS_SELECTOR, "[data-testid=field-tier]")
    for summary in form.find_elements(By.CSS_SELECTOR, "details.translations summary"):
        summary.click()
    form.find_element(By.CSS_SELECTOR, "[data-testid=name_ru]").send_keys("Уровень")
    form.find_element(By.CSS_SELECTOR, "[data-testid=options_ru]").send_keys("Золотой\nСеребряный")
    submit(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    saved = next(f for f in api(base, token, "GET", "/fields?record_type=company")["items"] if f["key"] == "tier")
    assert saved["translations"] == {"labels": {"ru": "Уровень"}, "options": {"ru": {"Złoty": "Золотой", "Srebrny": "Серебряный"}}}

    browser.delete_all_cookies()
    sign_in(browser, base, "olga@example.com")
    browser.get(f"{base}/companies/{company['id']}")
    card = browser.find_element(By.TAG_NAME, "main").text
    assert "Уровень" in card and "Золотой" in card and "Złoty" not in card
    browser.get(f"{base}/companies")
    assert "Уровень" in browser.find_element(By.CSS_SELECTOR, "[data-testid=list] thead").text
    Select(browser.find_element(By.NAME, "cf.tier")).select_by_visible_text("Серебряный")
    browser.get(f"{base}/companies/{company['id']}/edit")
    select = Select(browser.find_element(By.NAME, "cf.tier"))
    assert select.first_selected_option.text == "Золотой"
    select.select_by_visible_text("Серебряный")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "[data-testid=save]"))
    # The record keeps the option as defined; only the reader's words change.
    assert api(base, token, "GET", f"/companies/{company['id']}")["custom"]["tier"] == "Srebrny"
