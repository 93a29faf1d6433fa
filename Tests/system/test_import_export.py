"""The Salesforce sample in through the CSV import API of a running server, and everything out again as one
ZIP, read back with Python's zipfile and csv modules: the accounts, the contacts, and which account each
contact belongs to must survive the round trip as the files say."""
import csv
import io
import zipfile
from pathlib import Path

import pytest
import requests

from conftest import run

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "salesforce-sample" / "data"


def rows(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def upload_and_run(session, base, kind, path):
    draft = session.post(f"{base}/api/v1/imports", params={"type": kind, "name": path.name}, data=path.read_bytes(), headers={"Content-Type": "text/csv"})
    assert draft.status_code == 201, draft.text
    draft = draft.json()
    dry = session.post(f"{base}/api/v1/imports/{draft['id']}/run", json={"mode": "dry_run", "default_country_code": "1"})
    assert dry.status_code == 200 and dry.json()["created"] == 0, dry.text
    done = session.post(f"{base}/api/v1/imports/{draft['id']}/run", json={"mode": "all", "create_duplicates": True, "default_country_code": "1"})
    assert done.status_code == 200, done.text
    return done.json()


def test_salesforce_accounts_and_contacts_in_and_everything_out(sqlite_server, data_dir):
    if not (SHARED / "Account.csv").exists():
        pytest.skip(f"{SHARED} is not on this machine")
    token = run("token", "create", "--data-dir", data_dir, "--user", "admin@example.com").strip()
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    base = sqlite_server.url

    accounts = rows(SHARED / "Account.csv")
    contacts = rows(SHARED / "Contact.csv")
    assert upload_and_run(session, base, "companies", SHARED / "Account.csv")["created"] == len(accounts)
    assert upload_and_run(session, base, "contacts", SHARED / "Contact.csv")["created"] == len(contacts)

    export = session.get(f"{base}/api/v1/export")
    assert export.status_code == 200 and export.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(export.content))
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == ["activities.csv", "companies.csv", "contacts.csv", "deal_stage_log.csv", "deals.csv", "leads.csv"]

    def exported(name):
        return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))

    companies = exported("companies.csv")
    people = exported("contacts.csv")
    assert sorted(c["name"] for c in companies) == sorted(a["Name"] for a in accounts)
    assert len(people) == len(contacts)
    company_names = {c["id"]: c["name"] for c in companies}
    account_names = {a["Id"]: a["Name"] for a in accounts}
    expected = {c["Email"]: account_names.get(c["AccountId"], "") for c in contacts}
    actual = {p["emails"]: company_names.get(p["company_id"], "") for p in people}
    assert actual == expected
