"""The sales funnel in a real browser: drag a deal across the board, lose it with a reason, reopen and win it."""
import shutil
import time

import pytest
import requests

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

from conftest import run  # noqa: E402
from test_browser import browser, wait, sign_in  # noqa: E402,F401

# HTML5 drag and drop cannot be driven by WebDriver's pointer actions in Chromium; dispatching the same events
# the browser would send (with a real DataTransfer) exercises the page's own handlers.
DRAG = """
const [card, target] = arguments;
const data = new DataTransfer();
card.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: data}));
target.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: data}));
target.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: data}));
card.dispatchEvent(new DragEvent('dragend', {bubbles: true, dataTransfer: data}));
"""


def api(base, token, method, path, **kwargs):
    response = requests.request(method, f"{base}/api/v1{path}", headers={"Authorization": f"Bearer {token}"}, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


def test_drag_lose_reopen_win(browser, sqlite_server, data_dir):
    base = sqlite_server.url
    token = run("token", "create", "--data-dir", data_dir, "--user", "admin@example.com").strip()
    pipeline = api(base, token, "POST", "/pipelines", json={"name": "Sprzedaż", "currency": "PLN", "stages": [
        {"name": "First contact", "probability": 10}, {"name": "Presentation", "probability": 30},
        {"name": "Proposal", "probability": 60}, {"name": "Contract", "probability": 90}]})
    stages = [stage["id"] for stage in pipeline["stages"]]
    reason = api(base, token, "POST", "/loss-reasons", json={"name": "Cena"})["id"]
    deal = api(base, token, "POST", "/deals", json={"title": "Dostawa dla Łodzi", "pipeline_id": pipeline["id"], "stage_id": stages[0], "amount": "48200.00"})

    sign_in(browser, base)

    board = f"{base}/pipelines/{pipeline['id']}/board"
    browser.get(board)
    card = f"[data-testid=card-{deal['id']}]"
    for stage in [stages[1], stages[3], stages[2]]:  # forward, a skip, and a step back
        browser.execute_script(DRAG, browser.find_element(By.CSS_SELECTOR, card), browser.find_element(By.CSS_SELECTOR, f"[data-testid=column-{stage}]"))
        wait(browser, 10).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, f"[data-testid=column-{stage}] {card}"))

    browser.execute_script(DRAG, browser.find_element(By.CSS_SELECTOR, card), browser.find_element(By.CSS_SELECTOR, "[data-testid=drop-lost]"))
    dialog = browser.find_element(By.CSS_SELECTOR, "[data-testid=lose-dialog]")
    wait(browser, 5).until(lambda _: dialog.is_displayed())
    browser.find_element(By.CSS_SELECTOR, "[data-testid=dialog-lose]").click()  # no reason yet: the browser refuses the form
    assert dialog.is_displayed()
    Select(browser.find_element(By.CSS_SELECTOR, "[data-testid=dialog-reason]")).select_by_visible_text("Cena")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=dialog-comment]").send_keys("Konkurencja tańsza o 10%")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=dialog-lose]").click()
    wait(browser, 10).until(lambda driver: not driver.find_elements(By.CSS_SELECTOR, card))

    browser.get(f"{base}/deals/{deal['id']}")
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=status]").text == "Lost"
    browser.find_element(By.CSS_SELECTOR, "[data-testid=reopen]").click()
    wait(browser, 10).until(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-testid=status]"), "Open"))
    browser.find_element(By.CSS_SELECTOR, "[data-testid=win]").click()
    wait(browser, 10).until(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-testid=status]"), "Won"))

    log = api(base, token, "GET", f"/deals/{deal['id']}/transitions")["items"]
    assert [entry["kind"] for entry in log] == ["created", "moved", "moved", "moved", "lost", "reopened", "won"]
    assert [entry["to_stage_id"] for entry in log] == [stages[0], stages[1], stages[3], stages[2], stages[2], stages[2], stages[2]]
    assert [entry["from_stage_id"] for entry in log] == [None, stages[0], stages[1], stages[3], stages[2], stages[2], stages[2]]
    assert all(entry["amount"] == "48200.00" and entry["currency"] == "PLN" for entry in log)
    assert [entry["probability"] for entry in log] == [10, 30, 90, 60, 0, 60, 100]
    assert log[4]["loss_reason_id"] == reason and log[4]["comment"] == "Konkurencja tańsza o 10%"
    times = [entry["at"] for entry in log]
    assert times == sorted(times)


def test_keyboard_move_without_drag(browser, sqlite_server, data_dir):
    base = sqlite_server.url
    token = run("token", "create", "--data-dir", data_dir, "--user", "admin@example.com").strip()
    pipeline = api(base, token, "POST", "/pipelines", json={"name": "Keys", "currency": "EUR", "stages": [{"name": "A", "probability": 10}, {"name": "B", "probability": 50}]})
    deal = api(base, token, "POST", "/deals", json={"title": "By keyboard", "pipeline_id": pipeline["id"], "stage_id": pipeline["stages"][0]["id"]})
    sign_in(browser, base)
    browser.get(f"{base}/pipelines/{pipeline['id']}/board")
    card = browser.find_element(By.CSS_SELECTOR, f"[data-testid=card-{deal['id']}]")
    card.find_element(By.CSS_SELECTOR, "summary").click()
    card.find_element(By.CSS_SELECTOR, "form[action$='/move'] button").click()
    target = pipeline["stages"][1]["id"]
    wait(browser, 10).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, f"[data-testid=column-{target}] [data-testid=card-{deal['id']}]"))
