"""The insights tests' world, dated relative to today because the pages are.

Ateliers Test SAS; Claire manages credit, Paul and Léa collect, Sam sells.
- Roux (Paul's, sold by Sam): 6,000 EUR 45 days late, 1,000 not due; a promise of
  500 EUR due this week... and one broken 5 days ago; credit limit 5,000 (exceeded).
- Blanc (Léa's): 2,000 EUR 100 days late, disputed for 40 days (past its target);
  its accountant's address bounced.
- Moreau (nobody's): paid everything, on time.
"""
import datetime as dt
from decimal import Decimal

from django.utils import timezone

from relance.cases.models import Dispute, Promise, PromiseStatus
from relance.ledger.models import Contact
from tests.dunning.world import creditor, customer, team
from tests.support.ledger_builders import days_ago, invoice, paid_invoice


def build():
    company = creditor()
    people = team()
    roux = customer(company, "ROUX", name="Boulangerie Roux", owner=people["paul"],
                    sales_rep=people["sam"], credit_limit=Decimal(5000))
    blanc = customer(company, "BLANC", name="Blanc Industrie", owner=people["lea"])
    moreau = customer(company, "MOREAU", name="Maison Moreau")
    invoice(roux, "6000.00", due_days_ago=45, number="F-ROUX-1")
    invoice(roux, "1000.00", due_days_ago=-10, number="F-ROUX-2")
    disputed = invoice(blanc, "2000.00", due_days_ago=100, number="F-BLANC-1")
    Dispute.objects.create(invoice=disputed, reason="price", opened_on=days_ago(40))
    Contact.objects.filter(customer=blanc, role="accounts_payable").update(email_bounced=True)
    paid_invoice(moreau, "800.00", due_days_ago=20, reference="VIR-MOREAU")
    today = timezone.localdate()
    this_week = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=6)
    Promise.objects.create(customer=roux, amount=Decimal(500), promised_for=this_week)
    Promise.objects.create(customer=roux, amount=Decimal(700), promised_for=days_ago(5),
                           status=PromiseStatus.BROKEN)
    return {"company": company, "roux": roux, "blanc": blanc, "moreau": moreau, **people}
