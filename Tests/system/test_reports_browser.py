"""The reports area in a real browser: a funnel drawn as SVG with its table, the counting mode switched through the
form, a figure followed to the deals behind it, a plan saved and met, and the dashboard's charts."""
import pytest
import requests

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

from conftest import run  # noqa: E402
from test_browser import browser, wait, sign_in  # noqa: E402,F401


def api(base, token, method, path, **kwargs):
    response = requests.request(method, f"{base}/api/v1{path}", headers={"Authorization": f"Bearer {token}"}, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


def cells(browser, table):
    rows = browser.find_elements(By.CSS_SELECTOR, f"[data-testid=table-{table}] tbody tr")
    return [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in rows]


def test_funnel_report_modes_drill_down_and_plan(browser, sqlite_server, data_dir):
    base = sqlite_server.url
    token = run("token", "create", "--data-dir", data_dir, "--user", "admin@example.com").strip()
    pipeline = api(base, token, "POST", "/pipelines", json={"name": "Sprzedaż", "currency": "PLN", "stages": [
        {"name": "First contact", "probability": 10}, {"name": "Presentation", "probability": 30}, {"name": "Proposal", "probability": 60}]})
    stages = [stage["id"] for stage in pipeline["stages"]]
    reason = api(base, token, "POST", "/loss-reasons", json={"name": "Cena"})["id"]
    deals = [api(base, token, "POST", "/deals", json={"title": title, "pipeline_id": pipeline["id"], "stage_id": stages[0], "amount": "1000.00"})
             for title in ["Łódź", "Kraków", "Gdańsk"]]
    # Łódź skips Presentation and is won; Kraków reaches Presentation and is lost; Gdańsk stays.
    api(base, token, "POST", f"/deals/{deals[0]['id']}/move", json={"stage_id": stages[2]})
    api(base, token, "POST", f"/deals/{deals[0]['id']}/win", json={})
    api(base, token, "POST", f"/deals/{deals[1]['id']}/move", json={"stage_id": stages[1]})
    api(base, token, "POST", f"/deals/{deals[1]['id']}/lose", json={"loss_reason_id": reason})

    sign_in(browser, base)

    browser.get(f"{base}/reports/funnel?pipeline_id={pipeline['id']}")
    assert browser.find_elements(By.CSS_SELECTOR, "figure.chart-box svg"), "the funnel is drawn as SVG"
    # With conversions (the default), Łódź counts in Presentation too.
    with_conversions = cells(browser, "stages")
    assert [row[1] for row in with_conversions[:3]] == ["3", "2", "1"], with_conversions

    Select(browser.find_element(By.CSS_SELECTOR, "[data-testid=mode]")).select_by_value("passed")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=report-filters] button[type=submit]").click()
    wait(browser, 10).until(lambda b: "mode=passed" in b.current_url)
    passed = cells(browser, "stages")
    assert [row[1] for row in passed[:3]] == ["3", "1", "1"], passed

    # The Presentation figure lists exactly the deal that entered it.
    browser.find_element(By.CSS_SELECTOR, "[data-testid=table-stages] tbody tr:nth-child(2) a").click()
    wait(browser, 10).until(lambda b: "/reports/deals" in b.current_url)
    listed = browser.find_element(By.TAG_NAME, "main").text
    assert "Kraków" in listed and "Łódź" not in listed and "Gdańsk" not in listed, listed

    # A plan of 2 first contacts this month is met 150% by the 3 that entered.
    browser.get(f"{base}/reports/plan?pipeline_id={pipeline['id']}")
    form = browser.find_element(By.CSS_SELECTOR, "[data-testid=plan-form]")
    field = form.find_element(By.NAME, f"target_{stages[0]}")
    field.clear()
    field.send_keys("2")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser, 10).until(lambda b: "/reports/plan" in b.current_url and b.find_elements(By.CSS_SELECTOR, "[data-testid=plan-form]"))
    first = cells(browser, "plan")[0]
    assert first[0] == "First contact" and first[1:3] == ["2", "3"] and first[3].startswith("150"), first
    tone = browser.find_element(By.CSS_SELECTOR, "[data-testid=table-plan] tbody tr:first-child td:nth-child(4)").get_attribute("class")
    assert "tone-" in tone, tone

    browser.get(f"{base}/reports?pipeline_id={pipeline['id']}")
    assert len(browser.find_elements(By.CSS_SELECTOR, "figure.chart-box svg")) >= 3
    assert browser.find_elements(By.CSS_SELECTOR, "a[data-testid^=csv-]")
