"""What an upgrade must keep: a small company filled through the API of an older build, and what that build read back.

`scripts/make-upgrade-fixture` runs `fill` and `snapshot` against an older commit's binary and keeps the database
(as an SQL dump per engine) with the snapshot; `test_upgrade.py` migrates the dump with this build and reads the
same snapshot back. Everything goes through the API an older build already had, so the fill runs on it unchanged.
"""
import requests

PASSWORD = "correct horse battery"


def api(base, token, method, path, **kwargs):
    response = requests.request(method, f"{base}/api/v1{path}", headers={"Authorization": f"Bearer {token}"}, timeout=30, **kwargs)
    assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
    return response.json() if response.content else None


def fill(base, token):
    """Users and a team, a pipeline with a loss reason, customers in five languages (numbers in names, to exercise
    sort keys), custom fields, deals taken through every kind of stage-log entry, leads and activities."""
    users = {u["email"]: u["id"] for u in api(base, token, "GET", "/users")["items"]}
    olga = users["olga@example.com"]
    lukasz = users["lukasz@example.com"]
    team = api(base, token, "POST", "/teams", json={"name": "Wschód", "member_ids": [olga, lukasz]})
    pipeline = api(base, token, "POST", "/pipelines", json={"name": "Sprzedaż", "currency": "PLN", "stages": [
        {"name": "Pierwszy kontakt", "probability": 10}, {"name": "Prezentacja", "probability": 30},
        {"name": "Oferta", "probability": 60}, {"name": "Umowa", "probability": 90}]})
    stages = [stage["id"] for stage in pipeline["stages"]]
    reason = api(base, token, "POST", "/loss-reasons", json={"name": "Cena"})["id"]
    api(base, token, "POST", "/fields", json={"record_type": "company", "key": "tier", "label": "Poziom", "kind": "choice",
                                             "options": ["Złoty", "Srebrny"], "in_list": True})
    api(base, token, "POST", "/fields", json={"record_type": "deal", "key": "budget", "label": "Budżet", "kind": "money"})

    companies = []
    for name, owner in [("Odlewnia Żerań sp. z o.o.", lukasz), ("Odlew 2", lukasz), ("Odlew 10", lukasz), ("ООО «Ёлочка»", olga),
                        ("Székesfehérvári Sütöde Kft.", olga), ("Пловдивска мебел ООД", olga), ("Harbour & Sons Ltd", lukasz)]:
        companies.append(api(base, token, "POST", "/companies", json={"name": name, "owner_id": owner, "custom": {"tier": "Złoty"}}))
    contacts = []
    for first, last, phone, email, company in [
        ("Łukasz", "Wiśniewski", "+48 22 123 45 67", "lukasz.wisniewski@example.pl", companies[0]),
        ("Иван", "Иванов", "+7 495 123-45-67", "ivan@example.ru", companies[3]),
        ("Zsófia", "Kovács", "+36 1 234 5678", "zsofia@example.hu", companies[4]),
        ("Десислава", "Георгиева", "+359 2 987 6543", "desi@example.bg", companies[5]),
    ]:
        contacts.append(api(base, token, "POST", "/contacts", json={
            "first_name": first, "last_name": last, "company_id": company["id"], "owner_id": company["owner_id"],
            "phones": [{"number": phone, "label": "work"}], "emails": [{"address": email, "label": "work"}]}))

    def deal(title, company, amount, owner):
        return api(base, token, "POST", "/deals", json={"title": title, "pipeline_id": pipeline["id"], "stage_id": stages[0],
                                                         "amount": amount, "company_id": company["id"], "owner_id": owner,
                                                         "custom": {"budget": f"{amount} PLN"}})
    deals = [deal(f"Formy dla Żerania {n}", companies[0], f"{n * 12000}.50", lukasz) for n in range(1, 4)]
    deals += [deal("Поставка оборудования", companies[3], "250000.00", olga), deal("Kemence", companies[4], "1800000.00", olga)]
    api(base, token, "POST", f"/deals/{deals[0]['id']}/move", json={"stage_id": stages[2]})
    api(base, token, "POST", f"/deals/{deals[0]['id']}/win", json={})
    api(base, token, "POST", f"/deals/{deals[1]['id']}/move", json={"stage_id": stages[1]})
    api(base, token, "POST", f"/deals/{deals[1]['id']}/lose", json={"loss_reason_id": reason, "comment": "Konkurencja tańsza o 10%"})
    api(base, token, "POST", f"/deals/{deals[2]['id']}/move", json={"stage_id": stages[3]})
    api(base, token, "POST", f"/deals/{deals[2]['id']}/move", json={"stage_id": stages[1]})
    api(base, token, "POST", f"/deals/{deals[3]['id']}/lose", json={"loss_reason_id": reason})
    api(base, token, "POST", f"/deals/{deals[3]['id']}/reopen", json={})
    api(base, token, "POST", f"/deals/{deals[3]['id']}/win", json={})

    api(base, token, "POST", "/leads", json={"first_name": "Jan", "last_name": "Nowy", "company_name": "Nowa Huta SA", "owner_id": lukasz})
    api(base, token, "POST", "/leads", json={"first_name": "Пётр", "last_name": "Żerański", "company_name": "ООО Жерань", "owner_id": olga})
    api(base, token, "POST", "/activities", json={"kind": "task", "subject": "Wysłać ofertę", "due_at": "2027-01-12T13:30:00Z",
                                                 "deal_id": deals[2]["id"], "company_id": companies[0]["id"], "owner_id": lukasz})
    api(base, token, "POST", "/activities", json={"kind": "call", "subject": "Звонок по поставке", "deal_id": deals[4]["id"],
                                                 "contact_id": contacts[1]["id"], "owner_id": olga})
    return {"team": team["id"], "pipeline": pipeline["id"]}


def snapshot(base, token, pipeline, month):
    """What the API reads: every record list, each deal's stage log, and the funnel's sums for the month of the fill."""
    read = {}
    for collection in ["users", "teams", "pipelines", "loss-reasons"]:
        read[collection] = api(base, token, "GET", f"/{collection}")["items"]
    for record_type in ["company", "deal"]:
        read[f"fields/{record_type}"] = api(base, token, "GET", f"/fields?record_type={record_type}")["items"]
    for collection in ["companies", "contacts", "deals", "leads", "activities"]:
        read[collection] = api(base, token, "GET", f"/{collection}?limit=100")["items"]
    for deal in read["deals"]:
        read[f"deals/{deal['id']}/transitions"] = api(base, token, "GET", f"/deals/{deal['id']}/transitions")["items"]
    for report in ["snapshot", "funnel", "losses", "reps", "velocity", "forecast"]:
        read[f"reports/{report}"] = api(base, token, "GET", f"/reports/{report}?pipeline_id={pipeline}&unit=month&start={month}")
    return read


def differences(old, new, path="$"):
    """Where `new` does not read as `old` did. Keys the older build did not have are new features, not differences."""
    if isinstance(old, dict):
        if not isinstance(new, dict):
            return [f"{path}: {old!r} became {new!r}"]
        found = []
        for key, value in old.items():
            if key not in new:
                found.append(f"{path}.{key}: gone")
            else:
                found += differences(value, new[key], f"{path}.{key}")
        return found
    if isinstance(old, list):
        if not isinstance(new, list) or len(old) != len(new):
            return [f"{path}: {len(old)} items became {new!r:.300}"]
        return [difference for index, (a, b) in enumerate(zip(old, new)) for difference in differences(a, b, f"{path}[{index}]")]
    return [] if old == new else [f"{path}: {old!r} became {new!r}"]
