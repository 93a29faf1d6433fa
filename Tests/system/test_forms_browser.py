"""Every edit form, opened and saved untouched in a real browser, leaves its record exactly as it was: every
standard field, every kind of custom field, labels the form does not show, seconds a time input cannot show, and an
owner who has since left. (The activity form once cleared a task's due date this way.)"""
import pytest
import requests

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402

from conftest import PASSWORD, run  # noqa: E402
from test_browser import browser, wait, sign_in  # noqa: E402,F401

# Nothing, not even the version or the time of the last change, moves on a save that changes nothing.
BOOKKEEPING: set = set()

CUSTOM = [
    ("text", "Kod klienta", "ŁÓDŹ-7/α"),
    ("long_text", "Uwagi", "Pierwsza linia\nДруга строка"),
    ("number", "Zatrudnienie", 120.5),
    ("money", "Obrót", {"amount": "250000.50", "currency": "PLN"}),
    ("date", "Odnowienie", "2027-03-31"),
    ("date_time", "Spotkanie", "2027-01-15T09:30:45Z"),
    ("yes_no", "Partner", True),
    ("yes_no", "Ankieta", None),
    ("choice", "Poziom", "Złoty"),
    ("choices", "Kanały", ["Telefon", "E-mail"]),
    ("url", "Strona", "https://example.pl/o-nas"),
    ("email", "Faktury", "faktury@example.pl"),
    ("phone", "Centrala", "+48221234567"),
    ("user", "Opiekun", "olga"),
]


def api(base, token, method, path, **kwargs):
    response = requests.request(method, f"{base}/api/v1{path}", headers={"Authorization": f"Bearer {token}"}, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


def custom_fields(base, token, record_type, olga):
    values = {}
    for index, (kind, label, value) in enumerate(CUSTOM):
        key = f"{kind}_{index}"
        definition = {"record_type": record_type, "key": key, "label": label, "kind": kind}
        if kind in ("choice", "choices"):
            definition["options"] = ["Złoty", "Srebrny", "Telefon", "E-mail", "Spotkanie"]
        api(base, token, "POST", "/fields", json=definition)
        if value is not None:
            values[key] = olga if value == "olga" else value
    return values


def saved_untouched(driver, base, path):
    driver.get(f"{base}{path}/edit")
    form = driver.find_element(By.CSS_SELECTOR, "main form.form")
    form.find_element(By.CSS_SELECTOR, "button[type=submit].primary").click()
    wait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=notice], .errors") or d.current_url != f"{base}{path}/edit")
    errors = driver.find_elements(By.CSS_SELECTOR, ".alert")
    assert not errors, f"{path}: the untouched form was refused: {errors[0].text}"
    assert driver.current_url.rstrip("/") == f"{base}{path}", driver.current_url
    assert driver.find_elements(By.CSS_SELECTOR, "[data-testid=notice]"), f"{path}: no notice after saving"


def test_every_edit_form_saved_untouched_changes_nothing(browser, sqlite_server, data_dir):
    base = sqlite_server.url
    token = run("token", "create", "--data-dir", data_dir, "--user", "admin@example.com").strip()
    run("user", "add", "--data-dir", data_dir, "--email", "olga@example.com", "--name", "Olga Орлова", "--role", "sales_rep",
        "--password-stdin", stdin=PASSWORD + "\n")
    olga = next(user["id"] for user in api(base, token, "GET", "/users")["items"] if user["email"] == "olga@example.com")

    custom = {kind: custom_fields(base, token, kind, olga) for kind in ("company", "contact", "lead", "deal")}
    pipeline = api(base, token, "POST", "/pipelines", json={"name": "Sprzedaż", "currency": "PLN", "stages": [
        {"name": "Kontakt", "probability": 10}, {"name": "Oferta", "probability": 60}]})
    phones = [{"label": "mobile", "number": "+48600700800"}, {"label": "home", "number": "+74951234567"}]
    emails = [{"label": "billing", "address": "ksiegowosc@example.pl"}, {"label": "work", "address": "biuro@example.pl"}]

    company = api(base, token, "POST", "/companies", json={
        "name": "Przedsiębiorstwo Źródło", "legal_name": "Źródło sp. z o.o.", "tax_id": "PL5260250995", "industry": "Odlewnictwo",
        "size": "50-249", "website": "https://zrodlo.example.pl", "priority": "A", "phones": phones, "emails": emails,
        "tags": ["odlewnia", "kluczowy"], "owner_id": olga, "custom": custom["company"],
        "addresses": [
            {"label": "office", "street": "ul. Piotrkowska 12", "city": "Łódź", "region": "łódzkie", "postal_code": "90-001", "country": "PL"},
            {"label": "warehouse", "street": "ul. Składowa 3", "city": "Zgierz", "region": "łódzkie", "postal_code": "95-100", "country": "PL"},
        ]})
    contact = api(base, token, "POST", "/contacts", json={
        "first_name": "Дмитрий", "middle_name": "Сергеевич", "last_name": "Орлов", "name_order": "family_first",
        "job_title": "Директор", "company_id": company["id"], "phones": phones, "emails": emails, "tags": ["decydent"],
        "owner_id": olga, "custom": custom["contact"]})
    lead = api(base, token, "POST", "/leads", json={
        "first_name": "Gábor", "last_name": "Kovács", "company_name": "Győri Gép Kft", "job_title": "Beszerző",
        "phones": [{"label": "mobile", "number": "+36301234567"}], "emails": [{"label": "private", "address": "gabor@example.hu"}],
        "industry": "Gépgyártás", "company_size": "10-49", "country": "HU", "region": "Győr-Moson-Sopron", "source": "web",
        "campaign": "Tavasz 2027", "status": "working", "behaviours": ["form_filled", "email_answered"], "notes": "Hívjuk vissza\nkedden",
        "tags": ["gyár"], "owner_id": olga, "custom": custom["lead"]})
    deal = api(base, token, "POST", "/deals", json={
        "title": "Dostawa form odlewniczych", "company_id": company["id"], "pipeline_id": pipeline["id"], "stage_id": pipeline["stages"][1]["id"],
        "amount": "1234567.89", "currency": "EUR", "expected_close_date": "2027-02-28", "source": "polecenie",
        "forecast_category": "commit", "tags": ["eksport"], "owner_id": olga, "custom": custom["deal"]})
    activities = [
        api(base, token, "POST", "/activities", json={
            "kind": "task", "subject": "Oddzwonić", "notes": "po 15:00", "priority": "high", "due_at": "2027-01-10T14:45:30Z",
            "deal_id": deal["id"], "company_id": company["id"], "contact_id": contact["id"], "owner_id": olga}),
        api(base, token, "POST", "/activities", json={
            "kind": "meeting", "subject": "Prezentacja", "place": "Łódź, Piotrkowska 12", "starts_at": "2027-01-11T08:00:15Z",
            "ends_at": "2027-01-11T09:30:00Z", "duration_minutes": 90, "outcome": "umówione", "company_id": company["id"]}),
        api(base, token, "POST", "/activities", json={
            "kind": "call", "subject": "Звонок", "direction": "inbound", "duration_minutes": 12, "outcome": "перезвонить",
            "done": True, "contact_id": contact["id"]}),
        api(base, token, "POST", "/activities", json={"kind": "email", "subject": "Ajánlat", "direction": "outbound", "lead_id": lead["id"]}),
        api(base, token, "POST", "/activities", json={"kind": "note", "notes": "Klient woli kontakt mailowy", "company_id": company["id"]}),
    ]
    run("user", "disable", "--data-dir", data_dir, "--email", "olga@example.com")

    sign_in(browser, base)
    records = [("companies", company), ("contacts", contact), ("leads", lead), ("deals", deal)] + [("activities", a) for a in activities]
    for collection, record in records:
        before = api(base, token, "GET", f"/{collection}/{record['id']}")
        saved_untouched(browser, base, f"/{collection}/{record['id']}")
        after = api(base, token, "GET", f"/{collection}/{record['id']}")
        changed = {key: (before.get(key), after.get(key)) for key in set(before) | set(after)
                   if key not in BOOKKEEPING and before.get(key) != after.get(key)}
        assert not changed, f"{collection}/{record['id']} changed on an untouched save: {changed}"
        # Nothing was changed, so nothing is in the record's history either.
        history = api(base, token, "GET", f"/{collection}/{record['id']}/history")["items"]
        assert [entry["action"] for entry in history].count("update") == 0, history
