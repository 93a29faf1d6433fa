"""Contacts in and out as vCards, through the API of a running server: every export in ../shared/data/vcard
imports, a cut-off file imports nothing, and the export parses in vobject, an address-book library no one here
wrote."""
from pathlib import Path

import pytest
import requests

from conftest import run

vobject = pytest.importorskip("vobject", reason="vobject is not installed (pip install vobject)")
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "vcard"


def api(server, data_dir):
    token = run("token", "create", "--data-dir", data_dir, "--user", "admin@example.com").strip()
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def test_every_shared_vcard_imports_and_broken_ones_import_nothing(sqlite_server, data_dir):
    files = sorted(SHARED.glob("*.vcf"))
    if not files:
        pytest.skip(f"{SHARED} is not on this machine")
    session = api(sqlite_server, data_dir)
    base = sqlite_server.url
    total = 0
    for file in files:
        data = file.read_bytes()
        cards = data.upper().count(b"BEGIN:VCARD")
        dry = session.post(f"{base}/api/v1/contacts/import.vcf?dry_run=true", data=data, headers={"Content-Type": "text/vcard"})
        assert dry.status_code == 200 and dry.json()["created"] == [] and dry.json()["cards"] == cards, (file.name, dry.text)
        response = session.post(f"{base}/api/v1/contacts/import.vcf", data=data, headers={"Content-Type": "text/vcard"})
        assert response.status_code == 201, (file.name, response.text)
        assert len(response.json()["created"]) == cards, file.name
        total += cards
    contacts = session.get(f"{base}/api/v1/contacts?include_total=true&limit=1").json()["total"]
    assert contacts == total
    outlook = session.get(f"{base}/api/v1/contacts", params={"q": "john.doe@ibm.cm"}).json()["items"]
    assert [c["display_name"] for c in outlook] == ["John Richter James Doe"]
    assert [p["number"] for p in outlook[0]["phones"]] == ["+489055551234", "+489056661234"]
    greek = session.get(f"{base}/api/v1/contacts", params={"q": "bcdeαβγδ"}).json()["items"]
    assert len(greek) == 1

    # Cut off in the middle of a line: refused with the reason, and nothing is written.
    cut = (SHARED / "gmail-list.vcf").read_bytes()[:-40]
    refused = session.post(f"{base}/api/v1/contacts/import.vcf", data=cut, headers={"Content-Type": "text/vcard"})
    assert refused.status_code == 422 and "cut off" in refused.json()["detail"]
    assert session.get(f"{base}/api/v1/contacts?include_total=true&limit=1").json()["total"] == total
    garbage = session.post(f"{base}/api/v1/contacts/import.vcf", data=b"\x00\xff binary", headers={"Content-Type": "text/vcard"})
    assert garbage.status_code == 422


def test_exported_vcards_parse_in_vobject(sqlite_server, data_dir):
    session = api(sqlite_server, data_dir)
    base = sqlite_server.url
    company = session.post(f"{base}/api/v1/companies", json={"name": "Zakłady Żółć sp. z o.o."}).json()
    people = [
        {"first_name": "Łukasz", "last_name": "Wiśniewski", "job_title": "Dyrektor, handel; eksport", "company_id": company["id"],
         "phones": [{"label": "mobile", "number": "+48 600 700 800"}], "emails": [{"address": "lukasz@example.pl"}], "tags": ["vip"]},
        {"first_name": "Алексей", "middle_name": "Сергеевич", "last_name": "Смирнов", "phones": [{"number": "+7 495 123 45 67"}]},
        {"first_name": "Zsófia", "last_name": "Kovács", "name_order": "family_first", "emails": [{"address": "zsofia@example.hu"}]},
        {"first_name": "Десислава", "last_name": "Георгиева-" + "Димитрова" * 6},
    ]
    for person in people:
        assert session.post(f"{base}/api/v1/contacts", json=person).status_code == 201
    exported = session.get(f"{base}/api/v1/contacts/export.vcf")
    assert exported.status_code == 200 and exported.headers["Content-Type"].startswith("text/vcard")
    cards = {card.n.value.family: card for card in vobject.readComponents(exported.content.decode("utf-8"))}
    assert set(cards) == {"Wiśniewski", "Смирнов", "Kovács", "Георгиева-" + "Димитрова" * 6}
    polish = cards["Wiśniewski"]
    assert polish.n.value.given == "Łukasz" and polish.title.value == "Dyrektor, handel; eksport"
    assert polish.org.value == ["Zakłady Żółć sp. z o.o."] and polish.tel.value == "+48600700800" and polish.email.value == "lukasz@example.pl"
    assert cards["Смирнов"].n.value.additional == "Сергеевич" and cards["Смирнов"].tel.value == "+74951234567"
    assert cards["Kovács"].fn.value == "Kovács Zsófia"
