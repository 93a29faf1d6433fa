"""Copies the benchmark dataset from Clientele's SQLite file into BottleCRM through its Django models, so both
CRMs answer over the same records: companies become accounts, contacts contacts (and, as Clientele has no leads
yet, leads too), deals opportunities in the matching stage. Run with BottleCRM's interpreter:
    python load.py /path/to/clientele.sqlite
A database already holding the copy is left alone."""
import json
import sqlite3
import sys
from decimal import Decimal

import django

django.setup()

from accounts.models import Account  # noqa: E402
from common.models import User  # noqa: E402
from contacts.models import Contact  # noqa: E402
from leads.models import Lead  # noqa: E402
from opportunity.models import Opportunity  # noqa: E402

# Clientele's six open stages by position, then the closed outcomes, in BottleCRM's vocabulary.
OPEN_STAGES = ["QUALIFICATION", "NEEDS ANALYSIS", "VALUE PROPOSITION", "PROPOSAL/PRICE QUOTE", "NEGOTIATION/REVIEW", "ID.DECISION MAKERS"]
BATCH = 20_000


def main(path):
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    deals = source.execute("SELECT COUNT(*) FROM deals WHERE deleted_at IS NULL").fetchone()[0]
    if Opportunity.objects.count() >= deals:
        print(f"BottleCRM already holds {deals} opportunities")
        return
    admin = User.objects.get(email="admin@bench.test")
    Opportunity.objects.all().delete()
    Lead.objects.all().delete()
    Contact.objects.all().delete()
    Account.objects.all().delete()

    # Explicit ids 1…n in Clientele's id order: the harness names the same record by the same position in both.
    accounts = {}
    live = "deleted_at IS NULL ORDER BY id"
    for position, (company_id, name) in enumerate(source.execute(f"SELECT id, name FROM companies WHERE {live}"), start=1):
        accounts[company_id] = Account(id=position, name=name, email=f"office@company{company_id}.test", created_by=admin, status="open")
    Account.objects.bulk_create(accounts.values(), batch_size=BATCH)

    contacts, leads = [], []
    for position, (first, last, emails) in enumerate(source.execute(f"SELECT first_name, last_name, emails FROM contacts WHERE {live}"), start=1):
        email = (json.loads(emails) or [{}])[0].get("address") or None
        contacts.append(Contact(id=position, first_name=first, last_name=last, email=email, created_by=admin))
        leads.append(Lead(id=position, title=f"{first} {last} {position}", first_name=first, last_name=last, email=email,
                          status="assigned", source="call", created_by=admin))
    Contact.objects.bulk_create(contacts, batch_size=BATCH)
    Lead.objects.bulk_create(leads, batch_size=BATCH)

    stage_positions = dict(source.execute("SELECT id, position FROM stages"))
    rows = source.execute(f"SELECT title, company_id, stage_id, amount_minor, currency, status FROM deals WHERE {live}")
    batch, copied = [], 0
    for position, (title, company_id, stage_id, amount_minor, currency, status) in enumerate(rows, start=1):
        stage = "CLOSED WON" if status == "won" else "CLOSED LOST" if status == "lost" else OPEN_STAGES[stage_positions[stage_id] % len(OPEN_STAGES)]
        account = accounts.get(company_id)
        batch.append(Opportunity(id=position, name=title[:64], account_id=account.id if account else None, stage=stage, currency=currency,
                                 amount=Decimal(amount_minor) / 100, created_by=admin))
        if len(batch) == BATCH:
            Opportunity.objects.bulk_create(batch)
            copied += len(batch)
            batch = []
            if copied % 100_000 == 0:
                print(f"copied {copied} opportunities", file=sys.stderr)
    Opportunity.objects.bulk_create(batch)
    print(f"BottleCRM now holds {len(accounts)} accounts, {len(contacts)} contacts and leads, {Opportunity.objects.count()} opportunities")


if __name__ == "__main__":
    main(sys.argv[1])
