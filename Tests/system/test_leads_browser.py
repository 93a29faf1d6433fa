"""Leads in a real browser: an admin sets a scoring rule and makes a web form, a visitor fills in the form on
another website, the lead arrives scored, a rep logs the e-mails exchanged with it (the reply scores), and converts
it into a contact, a company and a deal that carry its history."""
import http.server
import threading

import pytest

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

from conftest import run  # noqa: E402
from test_board import api  # noqa: E402
from test_browser import browser, wait, fill, sign_in  # noqa: E402,F401


@pytest.fixture
def website(tmp_path):
    """Another site, on its own origin, where the form's snippet is pasted."""
    handler = lambda *args: http.server.SimpleHTTPRequestHandler(*args, directory=str(tmp_path))  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_web_form_to_converted_lead(browser, sqlite_server, data_dir, website):
    base = sqlite_server.url
    token = run("token", "create", "--data-dir", data_dir, "--user", "admin@example.com").strip()
    pipeline = api(base, token, "POST", "/pipelines", json={"name": "Sprzedaż", "currency": "PLN", "stages": [
        {"name": "Pierwszy kontakt", "probability": 10}, {"name": "Oferta", "probability": 60}]})
    sign_in(browser, base)

    # The admin rewards a Polish lead who filled in a form, and makes the form.
    browser.get(f"{base}/admin/leads")
    rows = browser.find_elements(By.CSS_SELECTOR, "[data-testid=scoring-rules] tbody tr")
    for row, (attribute, value, points) in zip(rows, [("country", "PL", "15"), ("behaviour", "form_filled", "10"), ("behaviour", "email_answered", "20")]):
        Select(row.find_element(By.NAME, "attribute")).select_by_value(attribute)
        row.find_element(By.NAME, "value").send_keys(value)
        row.find_element(By.NAME, "points").send_keys(points)
    browser.find_element(By.CSS_SELECTOR, "[data-testid=save-scoring]").click()
    wait(browser, 10).until(expected_conditions.url_to_be(f"{base}/admin/leads"))
    new_form = browser.find_element(By.CSS_SELECTOR, "[data-testid=new-web-form]")
    new_form.find_element(By.NAME, "name").send_keys("Kontakt ze strony")
    new_form.find_element(By.NAME, "campaign").send_keys("Wiosna 2026")
    new_form.find_element(By.CSS_SELECTOR, "[data-testid=create-web-form]").click()
    snippet = browser.find_element(By.CSS_SELECTOR, "[data-testid=snippet]").get_attribute("value")
    assert f"{base}/forms/" in snippet and 'name="website_url"' in snippet

    # A visitor on the company's own website fills it in; the honeypot stays out of sight and empty.
    folder, site = website
    (folder / "contact.html").write_text(f"<!doctype html><html><head><meta charset='utf-8'></head><body><h1>Kontakt</h1>{snippet}</body></html>", encoding="utf-8")
    browser.get(f"{site}/contact.html")
    honeypot = browser.find_element(By.NAME, "website_url")
    assert honeypot.location["x"] < 0
    for name, value in [("first_name", "Łukasz"), ("last_name", "Wiśniewski"), ("email", "lukasz@lodz-trans.pl"),
                        ("phone", "601 234 567"), ("company", "Łódź Trans sp. z o.o."), ("country", "PL")]:
        fill(browser, name, value)
    fill(browser, "message", "Proszę o ofertę na 20 aut.")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser, 10).until(expected_conditions.url_contains("/thanks"))
    assert browser.current_url.startswith(f"{base}/forms/")

    # The lead is on the list, scored and explained.
    browser.get(f"{base}/leads?q=wisniewski")
    browser.find_element(By.LINK_TEXT, "Łukasz Wiśniewski").click()
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=score-card] [data-testid=score]").text == "25"
    reasons = browser.find_element(By.CSS_SELECTOR, "[data-testid=score-reasons]").text
    assert "+15" in reasons and "+10" in reasons
    assert "Wiosna 2026" in browser.page_source

    # The rep writes to the lead and logs the reply on its card: the reply is on the timeline and scores as answered.
    lead_page = browser.current_url
    for kind, direction, subject in [("email", "outbound", "Oferta na 20 aut"), ("email", "inbound", "Re: Oferta na 20 aut")]:
        browser.find_element(By.CSS_SELECTOR, "[data-testid=add-activity]").click()
        Select(browser.find_element(By.CSS_SELECTOR, "[data-testid=activity-kind]")).select_by_value(kind)
        Select(browser.find_element(By.CSS_SELECTOR, "[data-testid=activity-direction]")).select_by_value(direction)
        fill(browser, "subject", subject)
        browser.find_element(By.CSS_SELECTOR, "[data-testid=activity-save]").click()
        wait(browser, 10).until(lambda d: subject in d.find_element(By.CSS_SELECTOR, "[data-testid=timeline]").text)
    assert browser.current_url == lead_page
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=score-card] [data-testid=score]").text == "45"
    assert "+20" in browser.find_element(By.CSS_SELECTOR, "[data-testid=score-reasons]").text
    assert "Incoming" in browser.find_element(By.CSS_SELECTOR, "[data-testid=timeline]").text

    # Converting it: a new company, a deal in the pipeline, one click.
    browser.find_element(By.CSS_SELECTOR, "[data-testid=convert]").click()
    browser.find_element(By.CSS_SELECTOR, "[data-testid=company-new]").click()
    browser.find_element(By.CSS_SELECTOR, "[data-testid=create-deal]").click()
    Select(browser.find_element(By.NAME, "pipeline_id")).select_by_value(str(pipeline["id"]))
    fill(browser, "amount", "48 000,00")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=convert-save]").click()
    wait(browser, 10).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "[data-testid=converted-deal]")))
    assert "Converted" in browser.find_element(By.CSS_SELECTOR, "[data-testid=status]").text
    browser.find_element(By.CSS_SELECTOR, "[data-testid=converted-deal]").click()
    assert "48" in browser.page_source and "Łódź Trans sp. z o.o." in browser.page_source
    browser.back()
    browser.find_element(By.CSS_SELECTOR, "[data-testid=converted-contact]").click()
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=title]").text == "Łukasz Wiśniewski"
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=from-lead]").text == "Łukasz Wiśniewski"
    # What was done with the lead is on the customer's card now.
    assert "Re: Oferta na 20 aut" in browser.find_element(By.CSS_SELECTOR, "[data-testid=timeline]").text


def test_a_web_form_asks_for_consent_and_the_lead_keeps_it(browser, sqlite_server, website):
    """The admin writes the consent the form asks for; a visitor who does not tick it is told so in their language and
    nothing is filed; one who ticks it becomes a lead that shows the words agreed to and when."""
    import requests
    base = sqlite_server.url
    sign_in(browser, base)
    browser.get(f"{base}/admin/leads")
    new_form = browser.find_element(By.CSS_SELECTOR, "[data-testid=new-web-form]")
    new_form.find_element(By.NAME, "name").send_keys("Zapytanie ofertowe")
    consent = "Wyrażam zgodę na kontakt w sprawie oferty i przetwarzanie moich danych przez Odlewnię Żerań."
    new_form.find_element(By.CSS_SELECTOR, "[data-testid=new-consent-text]").send_keys(consent)
    new_form.find_element(By.CSS_SELECTOR, "[data-testid=create-web-form]").click()
    # The old page must be gone before its snippet picker is looked for, or Selenium finds the one about to vanish.
    wait(browser, 10).until(expected_conditions.staleness_of(new_form))
    # The admin reads English; the company's website is Polish, and so are the form's labels.
    Select(browser.find_element(By.CSS_SELECTOR, "[data-testid=snippet-language]")).select_by_value("pl")
    wait(browser, 10).until(expected_conditions.url_contains("snippet_language=pl"))
    snippet = browser.find_element(By.CSS_SELECTOR, "[data-testid=snippet]").get_attribute("value")
    assert 'name="consent"' in snippet and consent in snippet and "Imię" in snippet

    folder, site = website
    (folder / "oferta.html").write_text(f"<!doctype html><html><head><meta charset='utf-8'></head><body>{snippet}</body></html>", encoding="utf-8")
    action = snippet.split('action="')[1].split('"')[0]
    refused = requests.post(action, data={"first_name": "Anna", "email": "anna@example.pl"}, headers={"Accept-Language": "pl"}, allow_redirects=False)
    assert refused.status_code == 422 and "Zaznacz zgodę" in refused.text

    browser.get(f"{site}/oferta.html")
    fill(browser, "first_name", "Anna")
    fill(browser, "last_name", "Zięba")
    fill(browser, "email", "anna@example.pl")
    browser.find_element(By.NAME, "consent").click()
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser, 10).until(expected_conditions.url_contains("/thanks"))

    browser.get(f"{base}/leads?q=Zięba")
    browser.find_element(By.LINK_TEXT, "Anna Zięba").click()
    shown = browser.find_element(By.CSS_SELECTOR, "[data-testid=consent]").text
    assert consent in shown and "2026" in shown
