"""Admin without traps, in a real browser: team members ticked one by one, a stage placed where it belongs and
named in each language, loss reasons renamed, translated and switched off, a custom field's key suggested from its
label, and one page listing every setting."""
import pytest
import requests

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

from conftest import PASSWORD, run  # noqa: E402
from test_browser import browser, wait, fill, sign_in  # noqa: E402,F401


def api(base, token, method, path, **kwargs):
    response = requests.request(method, f"{base}/api/v1{path}", headers={"Authorization": f"Bearer {token}"}, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


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
    members.find_element(By.XPATH, "ancestor::form").find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser, 10).until(lambda d: "/admin/teams" in d.current_url)
    assert set(api(base, token, "GET", f"/teams/{team['id']}")["member_ids"]) == {users["anna@example.com"], users["boris@example.com"], users["csaba@example.com"]}

    # A stage goes where it belongs, named in each language.
    browser.get(f"{base}/admin/pipelines")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=new-stage-name]").send_keys("Oferta")
    Select(browser.find_element(By.CSS_SELECTOR, "[data-testid=new-stage-after]")).select_by_visible_text("After Kontakt")
    form = browser.find_element(By.CSS_SELECTOR, "[data-testid=new-stage-name]").find_element(By.XPATH, "ancestor::form")
    form.find_element(By.CSS_SELECTOR, "details.translations summary").click()
    form.find_element(By.CSS_SELECTOR, "[data-testid=name_ru]").send_keys("Предложение")
    form.find_element(By.CSS_SELECTOR, "[data-testid=add-stage]").click()
    wait(browser, 10).until(lambda d: "/admin/pipelines" in d.current_url)
    stages = api(base, token, "GET", f"/pipelines/{pipeline['id']}")["stages"]
    assert [s["name"] for s in stages] == ["Kontakt", "Oferta", "Umowa"] and stages[1]["translations"] == {"ru": "Предложение"}

    # A loss reason is renamed, translated and switched off.
    browser.get(f"{base}/admin/pipelines")
    row = browser.find_element(By.CSS_SELECTOR, f"[data-testid=loss-reason-{reason['id']}]")
    row.find_element(By.NAME, "name").clear()
    row.find_element(By.NAME, "name").send_keys("Za wysoka cena")
    row.find_element(By.CSS_SELECTOR, "details.translations summary").click()
    row.find_element(By.CSS_SELECTOR, "[data-testid=name_ru]").send_keys("Слишком дорого")
    row.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser, 10).until(lambda d: "/admin/pipelines" in d.current_url)
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
    row.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser, 10).until(lambda d: "/admin/pipelines" in d.current_url)
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
