"""The rep's daily loop in a real browser, in Polish and Russian: working a task from its page, undoing what was
just done, scheduling the next step, My day, starting records from a company, forms that keep what was typed,
error pages with the navigation, and a service agent's bar."""
import datetime
import re

import pytest
import requests

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

from conftest import PASSWORD, run  # noqa: E402
from test_board import DRAG  # noqa: E402
from test_browser import browser, chosen_company, pick_company, wait, fill, sign_in  # noqa: E402,F401


def api(base, token, method, path, **kwargs):
    response = requests.request(method, f"{base}/api/v1{path}", headers={"Authorization": f"Bearer {token}"}, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


def add_user(data_dir, email, name, role, locale):
    run("user", "add", "--data-dir", data_dir, "--email", email, "--name", name, "--role", role, "--locale", locale,
        "--time-zone", "Europe/Warsaw", "--password-stdin", stdin=PASSWORD + "\n")


def notice(driver, saying=""):
    """The notice on the page; with `saying`, the one that says it (an earlier notice stays on screen while the next
    page loads, so waiting for any notice can read the old one)."""
    def shown(d):
        try:
            found = d.find_elements(By.CSS_SELECTOR, "[data-testid=notice]")
            return found[0] if found and saying in found[0].text else None
        except StaleElementReferenceException:
            return None
    return wait(driver, 10).until(shown)


@pytest.fixture
def world(sqlite_server, data_dir):
    base = sqlite_server.url
    token = run("token", "create", "--data-dir", data_dir, "--user", "admin@example.com").strip()
    add_user(data_dir, "lukasz@example.com", "Łukasz Wiśniewski", "sales_rep", "pl")
    add_user(data_dir, "elena@example.com", "Елена Смирнова", "sales_manager", "ru")
    add_user(data_dir, "agata@example.com", "Agata Serwis", "service_agent", "pl")
    users = {user["email"]: user["id"] for user in api(base, token, "GET", "/users")["items"]}
    team = api(base, token, "POST", "/teams", json={"name": "Łódź", "shares_records": True, "member_ids": [users["lukasz@example.com"]],
                                                     "manager_id": users["elena@example.com"]})
    pipeline = api(base, token, "POST", "/pipelines", json={"name": "Sprzedaż", "currency": "PLN", "stages": [
        {"name": "Kontakt", "probability": 10}, {"name": "Oferta", "probability": 60}]})
    reason = api(base, token, "POST", "/loss-reasons", json={"name": "Cena"})
    rep = users["lukasz@example.com"]
    company = api(base, token, "POST", "/companies", json={"name": "Odlewnia Żerań", "owner_id": rep, "team_id": team["id"]})
    contact = api(base, token, "POST", "/contacts", json={"first_name": "Zofia", "last_name": "Kowalska", "company_id": company["id"],
                                                          "owner_id": rep, "team_id": team["id"]})
    deal = api(base, token, "POST", "/deals", json={"title": "Formy dla Żerania", "company_id": company["id"], "pipeline_id": pipeline["id"],
                                                    "stage_id": pipeline["stages"][0]["id"], "amount": "48200.00", "owner_id": rep, "team_id": team["id"]})
    return {"base": base, "token": token, "users": users, "company": company, "contact": contact, "deal": deal, "pipeline": pipeline,
            "reason": reason, "team": team}


def test_a_task_is_worked_from_its_page_with_undo_and_the_next_step(browser, world):
    base, token = world["base"], world["token"]
    task = api(base, token, "POST", "/activities", json={
        "kind": "task", "subject": "Wysłać ofertę", "due_at": "2027-01-12T13:30:00Z", "deal_id": world["deal"]["id"],
        "company_id": world["company"]["id"], "contact_id": world["contact"]["id"], "owner_id": world["users"]["lukasz@example.com"]})
    sign_in(browser, base, "lukasz@example.com")
    browser.get(f"{base}/activities/{task['id']}")
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=due]").text == "12 sty 2027 o 14:30"  # Warsaw time, Polish format
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=deal-link]").text == "Formy dla Żerania"
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=company-link]").text == "Odlewnia Żerań"
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=contact-link]").text == "Zofia Kowalska"
    assert not re.search(r"#\d+", browser.find_element(By.CSS_SELECTOR, "main").text), "a raw id is shown"

    browser.find_element(By.CSS_SELECTOR, "[data-testid=mark-done]").click()
    shown = notice(browser)
    assert "Wykonano" in shown.text and "Wysłać ofertę" in shown.text
    assert api(base, token, "GET", f"/activities/{task['id']}")["done"] is True
    shown.find_element(By.CSS_SELECTOR, "[data-testid=notice-undo]").click()
    assert "Ponownie otwarte" in notice(browser, "Ponownie otwarte").text
    assert api(base, token, "GET", f"/activities/{task['id']}")["done"] is False

    browser.find_element(By.CSS_SELECTOR, "[data-testid=mark-done]").click()
    notice(browser, "Wykonano").find_element(By.CSS_SELECTOR, "[data-testid=notice-follow]").click()
    wait(browser, 10).until(lambda d: "/activities/new" in d.current_url)
    assert Select(browser.find_element(By.CSS_SELECTOR, "[data-testid=activity-kind]")).first_selected_option.text == "Zadanie"
    fill(browser, "subject", "Zadzwonić po ofercie")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=activity-form] button[type=submit]").click()
    notice(browser)
    assert browser.current_url == f"{base}/activities/{task['id']}"  # back where the rep was
    follow_up = [a for a in api(base, token, "GET", f"/activities?deal_id={world['deal']['id']}")["items"] if a["subject"] == "Zadzwonić po ofercie"]
    assert len(follow_up) == 1 and follow_up[0]["company_id"] == world["company"]["id"] and follow_up[0]["contact_id"] == world["contact"]["id"]


def test_quick_add_shows_the_fields_of_the_chosen_kind(browser, world):
    base = world["base"]
    sign_in(browser, base, "lukasz@example.com")
    browser.get(f"{base}/deals/{world['deal']['id']}")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=add-activity]").click()
    kind = Select(browser.find_element(By.CSS_SELECTOR, "[data-testid=activity-kind]"))
    direction = browser.find_element(By.CSS_SELECTOR, "[data-testid=activity-direction]")
    due = browser.find_element(By.CSS_SELECTOR, "[data-testid=activity-due]")
    kind.select_by_value("note")
    assert not direction.is_displayed() and not due.is_displayed()
    kind.select_by_value("call")
    assert direction.is_displayed() and not due.is_displayed()
    assert Select(direction).first_selected_option.get_attribute("value") == ""  # no direction is assumed
    Select(direction).select_by_value("inbound")
    fill(browser, "subject", "Klient dzwonił w sprawie terminu")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=activity-save]").click()
    shown = notice(browser)
    assert "Dodano" in shown.text and shown.find_elements(By.CSS_SELECTOR, "[data-testid=notice-follow]")
    # Undo takes the call back off the deal.
    shown.find_element(By.CSS_SELECTOR, "[data-testid=notice-undo]").click()
    assert "Przeniesiono do kosza" in notice(browser, "Przeniesiono do kosza").text
    assert browser.current_url == f"{base}/deals/{world['deal']['id']}"
    calls = api(base, world["token"], "GET", f"/activities?deal_id={world['deal']['id']}")["items"]
    assert not [call for call in calls if call["subject"] == "Klient dzwonił w sprawie terminu"]


def test_losing_a_deal_is_confirmed_and_undone(browser, world):
    base, deal = world["base"], world["deal"]
    sign_in(browser, base, "elena@example.com")
    browser.get(f"{base}/deals/{deal['id']}")
    Select(browser.find_element(By.CSS_SELECTOR, "[data-testid=loss-reason]")).select_by_visible_text("Cena")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=lose]").click()
    shown = notice(browser)
    assert "Сделка проиграна" in shown.text
    assert api(base, world["token"], "GET", f"/deals/{deal['id']}")["status"] == "lost"
    shown.find_element(By.CSS_SELECTOR, "[data-testid=notice-undo]").click()
    assert "Сделка снова открыта" in notice(browser, "Сделка снова открыта").text
    after = api(base, world["token"], "GET", f"/deals/{deal['id']}")
    assert after["status"] == "open" and after["stage_id"] == deal["stage_id"]


def test_my_day_names_customers_adds_tasks_and_completes_meetings(browser, world):
    base, token = world["base"], world["token"]
    rep = world["users"]["lukasz@example.com"]
    # A meeting now (today in the rep's zone), and a lead handed to the rep.
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    meeting = api(base, token, "POST", "/activities", json={
        "kind": "meeting", "subject": "Wizyta w odlewni", "starts_at": now.isoformat().replace("+00:00", "Z"),
        "company_id": world["company"]["id"], "owner_id": rep})
    api(base, token, "POST", "/leads", json={"first_name": "Jan", "last_name": "Nowy", "company_name": "Nowa Huta SA", "owner_id": rep})

    sign_in(browser, base, "lukasz@example.com")
    browser.get(f"{base}/my-day")
    meetings = browser.find_element(By.CSS_SELECTOR, "[data-testid=meetings]")
    assert "Odlewnia Żerań" in meetings.find_element(By.CSS_SELECTOR, "[data-testid=item-for]").text
    assert "Jan Nowy" in browser.find_element(By.CSS_SELECTOR, "[data-testid=new-leads]").text
    meetings.find_element(By.CSS_SELECTOR, "[data-testid=item-done]").click()
    assert "Wykonano" in notice(browser, "Wykonano").text
    assert api(base, token, "GET", f"/activities/{meeting['id']}")["done"] is True

    fill(browser, "subject", "Przygotować próbki")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=my-day-save]").click()
    assert "Dodano" in notice(browser, "Dodano").text
    assert browser.current_url == f"{base}/my-day"
    assert "Przygotować próbki" in browser.find_element(By.CSS_SELECTOR, "[data-testid=due-today]").text


def test_records_started_from_a_company_and_forms_that_keep_what_was_typed(browser, world):
    base, company = world["base"], world["company"]
    sign_in(browser, base, "lukasz@example.com")
    browser.get(f"{base}/companies/{company['id']}")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=new-deal]").click()
    wait(browser, 10).until(lambda d: "/deals/new" in d.current_url)
    assert chosen_company(browser) == "Odlewnia Żerań"
    fill(browser, "title", "Druga dostawa")
    fill(browser, "amount", "12 500,5x")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=save]").click()
    wait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".alert"))
    assert browser.find_element(By.NAME, "amount").get_attribute("value") == "12 500,5x"
    assert browser.find_element(By.NAME, "title").get_attribute("value") == "Druga dostawa"
    assert chosen_company(browser) == "Odlewnia Żerań"

    browser.get(f"{base}/companies/{company['id']}")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=new-contact]").click()
    wait(browser, 10).until(lambda d: "/contacts/new" in d.current_url)
    assert chosen_company(browser) == "Odlewnia Żerań"
    # Another company is found by typing part of its name, without diacritics, not picked from a list of 200.
    other = api(base, world["token"], "POST", "/companies", json={"name": "Huta Łaziska", "owner_id": world["users"]["lukasz@example.com"],
                                                                   "team_id": world["team"]["id"]})
    pick_company(browser, "lazisk", "Huta Łaziska")
    fill(browser, "last_name", "Wrona")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=save]").click()
    notice(browser)
    wrona = next(c for c in api(base, world["token"], "GET", "/contacts?q=wrona")["items"])
    assert wrona["company_id"] == other["id"]


@pytest.mark.parametrize("email,heading", [("lukasz@example.com", "Nie znaleziono"), ("elena@example.com", "Не найдено")])
def test_error_pages_speak_the_readers_language_and_keep_the_navigation(browser, world, email, heading):
    base = world["base"]
    sign_in(browser, base, email)
    for path in ["/companies/999999", "/no-such-page"]:
        browser.get(base + path)
        assert heading in browser.find_element(By.CSS_SELECTOR, "h1").text
        assert browser.find_elements(By.CSS_SELECTOR, "nav#nav a[href='/my-day']"), f"{path} has no navigation"
        assert "Not Found" not in browser.find_element(By.TAG_NAME, "body").text


def test_a_service_agent_is_not_shown_the_sales_pages(browser, world):
    base = world["base"]
    sign_in(browser, base, "agata@example.com")
    links = [link.get_attribute("href") for link in browser.find_elements(By.CSS_SELECTOR, "nav#nav a")]
    assert f"{base}/my-day" in links and f"{base}/companies" in links
    assert f"{base}/board" not in links and f"{base}/reports" not in links
    browser.get(f"{base}/deals")
    assert not browser.find_elements(By.CSS_SELECTOR, "main a[href='/board']")
    browser.delete_all_cookies()
    sign_in(browser, base, "lukasz@example.com")
    assert browser.find_elements(By.CSS_SELECTOR, "nav#nav a[href='/board']")




def test_a_reps_deals_list_and_board_start_at_their_own_deals(browser, world):
    base, token, users = world["base"], world["token"], world["users"]
    stages = [{"name": f"Etap {n}", "probability": n * 10} for n in range(1, 9)]
    pipeline = api(base, token, "POST", "/pipelines", json={"name": "Duży lejek", "currency": "PLN", "stages": stages})
    first, second = pipeline["stages"][0]["id"], pipeline["stages"][1]["id"]
    rep = users["lukasz@example.com"]
    for n in range(25):
        api(base, token, "POST", "/deals", json={"title": f"Odlew {n + 1}", "company_id": world["company"]["id"], "pipeline_id": pipeline["id"],
                                                 "stage_id": first, "amount": "1200.50", "owner_id": rep, "team_id": world["team"]["id"]})
    api(base, token, "POST", "/deals", json={"title": "Cudza szansa", "pipeline_id": pipeline["id"], "stage_id": first, "amount": "5",
                                             "owner_id": users["elena@example.com"], "team_id": world["team"]["id"]})

    sign_in(browser, base, "lukasz@example.com")
    browser.get(f"{base}/deals?pipeline_id={pipeline['id']}")
    rows = browser.find_element(By.CSS_SELECTOR, "[data-testid=list] tbody").text
    assert "Odlew 1" in rows and "Cudza szansa" not in rows
    first_row = browser.find_element(By.CSS_SELECTOR, "[data-testid=list] tbody tr")
    assert "Odlewnia Żerań" in first_row.text and "Etap 1" in first_row.text
    assert first_row.find_element(By.CSS_SELECTOR, "[data-testid=amount]").text.replace("\u00a0", " ") == "1200,50 zł"  # Polish groups thousands from five digits on
    assert first_row.find_element(By.CSS_SELECTOR, "[data-testid=status]").text == "Otwarta"
    Select(browser.find_element(By.CSS_SELECTOR, "[data-testid=filter-owner]")).select_by_value("all")
    browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    wait(browser, 10).until(lambda d: "owner_id=all" in d.current_url)
    assert "Cudza szansa" in browser.find_element(By.CSS_SELECTOR, "[data-testid=list] tbody").text

    browser.get(f"{base}/pipelines/{pipeline['id']}/board")
    column = browser.find_element(By.CSS_SELECTOR, f"[data-testid=column-{first}]")
    assert "Cudza szansa" not in column.text and len(column.find_elements(By.CSS_SELECTOR, ".deal-card")) == 20
    # Won and Lost are in sight although eight stages are wider than the window.
    board = browser.find_element(By.CSS_SELECTOR, "[data-testid=board]")
    assert browser.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth", board)
    right = browser.execute_script("return document.querySelector('[data-testid=drop-won]').getBoundingClientRect().right")
    assert right <= browser.execute_script("return window.innerWidth")
    # "Load more" brings full cards, with their move menu.
    column.find_element(By.CSS_SELECTOR, "[data-testid=load-more]").click()
    wait(browser, 10).until(lambda d: len(column.find_elements(By.CSS_SELECTOR, ".deal-card")) == 25)
    assert all(card.find_elements(By.CSS_SELECTOR, "details.card-actions form") for card in column.find_elements(By.CSS_SELECTOR, ".deal-card"))
    # A move keeps the board where it was scrolled and says what happened, with an undo.
    browser.execute_script("arguments[0].scrollLeft = 300", board)
    card = column.find_element(By.CSS_SELECTOR, ".deal-card")
    moved = card.get_attribute("data-deal")
    browser.execute_script(DRAG, card, browser.find_element(By.CSS_SELECTOR, f"[data-testid=column-{second}]"))
    shown = notice(browser)
    assert "Przesunięto szansę" in shown.text
    assert browser.execute_script("return document.querySelector('[data-testid=board]').scrollLeft") == 300
    assert api(base, token, "GET", f"/deals/{moved}")["stage_id"] == second
    shown.find_element(By.CSS_SELECTOR, "[data-testid=notice-undo]").click()
    # The notice of the move is still on screen while the undo is on its way: wait for the undo's answer itself.
    wait(browser, 10).until(lambda _: api(base, token, "GET", f"/deals/{moved}")["stage_id"] == first)
    notice(browser)


def test_history_reads_as_the_page_does_and_search_finds_deals_by_their_company(browser, world):
    base, token, deal = world["base"], world["token"], world["deal"]
    headers = {"Authorization": f"Bearer {token}"}
    current = requests.get(f"{base}/api/v1/deals/{deal['id']}", headers=headers)
    response = requests.patch(f"{base}/api/v1/deals/{deal['id']}", headers={**headers, "If-Match": current.headers["ETag"]},
                              json={"amount": "51000.50", "expected_close_date": "2027-03-31"})
    assert response.status_code == 200, response.text
    api(base, token, "POST", f"/deals/{deal['id']}/move", json={"stage_id": world["pipeline"]["stages"][1]["id"]})
    api(base, token, "POST", f"/deals/{deal['id']}/lose", json={"loss_reason_id": world["reason"]["id"], "comment": "дорого"})
    api(base, token, "POST", "/leads", json={"first_name": "Пётр", "last_name": "Żerański", "company_name": "ООО Жерань",
                                             "owner_id": world["users"]["elena@example.com"], "team_id": world["team"]["id"]})

    sign_in(browser, base, "elena@example.com")
    browser.get(f"{base}/deals/{deal['id']}/history")
    history = browser.find_element(By.CSS_SELECTOR, "[data-testid=history]").text
    for shown in ["Этап", "Kontakt", "Oferta", "Cena", "48 200,00", "51 000,50", "31 марта 2027"]:
        assert shown in history.replace("\u00a0", " ").replace("\u202f", " "), f"{shown!r} not in {history!r}"
    assert "stage_id" not in history and "loss_reason_id" not in history

    search = browser.find_element(By.CSS_SELECTOR, "[data-testid=global-search]")
    search.send_keys("Żerań")
    wait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid=typeahead]").is_displayed())
    suggestions = browser.find_element(By.CSS_SELECTOR, "[data-testid=typeahead]").text
    assert "Odlewnia Żerań" in suggestions and "Formy dla Żerania" in suggestions and "Пётр Żerański" in suggestions


def test_conversion_joins_the_contact_we_know_and_brings_the_budget(browser, world):
    base, token = world["base"], world["token"]
    api(base, token, "POST", "/fields", json={"record_type": "lead", "key": "budget", "label": "Budżet", "kind": "money"})
    known = api(base, token, "POST", "/contacts", json={"first_name": "Zofia", "last_name": "Kowalska-Nowak", "emails": [{"address": "zofia@zeran.pl"}],
                                                        "owner_id": world["users"]["lukasz@example.com"], "team_id": world["team"]["id"]})
    lead = api(base, token, "POST", "/leads", json={"first_name": "Zofia", "last_name": "Kowalska", "emails": [{"address": "zofia@zeran.pl"}],
                                                    "company_name": "Odlewnia Żerań", "custom": {"budget": {"amount": "25000.00", "currency": "PLN"}},
                                                    "owner_id": world["users"]["lukasz@example.com"], "team_id": world["team"]["id"]})
    sign_in(browser, base, "lukasz@example.com")
    browser.get(f"{base}/leads/{lead['id']}/convert")
    assert "Zofia Kowalska" in browser.find_element(By.CSS_SELECTOR, "[data-testid=convert-heading]").text
    offered = browser.find_element(By.CSS_SELECTOR, "[data-testid=convert-contact]")
    assert "Zofia Kowalska-Nowak" in offered.text  # the same e-mail
    offered.find_element(By.CSS_SELECTOR, f"input[value='{known['id']}']").click()
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=convert-amount]").get_attribute("value").replace("\u00a0", " ") == "25 000,00"
    browser.find_element(By.CSS_SELECTOR, "[data-testid=create-deal]").click()
    browser.find_element(By.CSS_SELECTOR, "[data-testid=convert-save]").click()
    assert "Lead przekształcony" in notice(browser, "Lead przekształcony").text
    # The lead page names what it became.
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=converted-contact]").text == "Zofia Kowalska-Nowak"
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=converted-company]").text == "Odlewnia Żerań"
    converted = api(base, token, "GET", f"/leads/{lead['id']}")["conversion"]
    assert converted["contact_id"] == known["id"] and converted["company_id"] == world["company"]["id"]
    assert api(base, token, "GET", f"/deals/{converted['deal_id']}")["amount"] == "25000.00"
    # No second Zofia was made.
    assert len(api(base, token, "GET", "/contacts?q=zofia")["items"]) == 2


def test_exports_open_in_a_spreadsheet_in_the_readers_language(browser, world):
    """CSV as Excel reads it in each locale (UTF-8 with a BOM, ';' and decimal commas where the language writes them),
    and XLSX read back by openpyxl, a reader no one here wrote."""
    import io
    openpyxl = pytest.importorskip("openpyxl")
    from conftest import login
    base = world["base"]
    session, _ = login(base, "lukasz@example.com")
    csv = session.get(f"{base}/deals/export?format=csv")
    assert csv.status_code == 200 and csv.headers["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8")
    assert text.startswith("\ufeff")
    header, first = text[1:].split("\r\n")[:2]
    assert header.split(";")[:4] == ["ID", "Tytuł", "Firma (ID)", "Firma"], header
    cells = first.split(";")
    assert "Formy dla Żerania" in cells and "Odlewnia Żerań" in cells and "48200" in cells and "Otwarta" in cells, cells

    workbook = session.get(f"{base}/deals/export?format=xlsx")
    assert workbook.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    row = dict(zip(header, rows[1]))
    assert row["Tytuł"] == "Formy dla Żerania" and row["Firma"] == "Odlewnia Żerań"
    assert isinstance(row["Kwota"], (int, float)) and row["Kwota"] == 48200

    english, _ = login(base, "admin@example.com")
    text = english.get(f"{base}/companies/export?format=csv").content.decode("utf-8")
    assert text.startswith("\ufeffID,Name,") and "Odlewnia Żerań" in text

    russian, _ = login(base, "elena@example.com")
    report = russian.get(f"{base}/reports/funnel?pipeline_id={world['pipeline']['id']}&format=csv&table=stages").content.decode("utf-8")
    assert report.startswith("\ufeffЭтап;"), report[:80]


def test_a_phone_in_the_field(browser, world):
    base, deal = world["base"], world["deal"]
    browser.set_window_size(390, 844)
    sign_in(browser, base, "lukasz@example.com")
    # The search box is an icon that opens a field as wide as the screen.
    search = browser.find_element(By.CSS_SELECTOR, "[data-testid=global-search]")
    assert not search.is_displayed()
    browser.find_element(By.CSS_SELECTOR, "[data-testid=search-toggle]").click()
    assert search.is_displayed() and search.size["width"] >= 340
    search.send_keys("Odlew")
    wait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid=typeahead]").is_displayed())
    # "Add activity" is near the top of a deal page, above the fold.
    browser.get(f"{base}/deals/{deal['id']}")
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=add-activity]").location["y"] < 500
    # Every list fits the width.
    for path in ["/deals", "/leads", "/activities", "/contacts", "/my-day", f"/deals/{deal['id']}", f"/companies/{world['company']['id']}"]:
        browser.get(f"{base}{path}")
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide on a phone"
