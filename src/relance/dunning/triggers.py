"""Database triggers that keep `InvoiceProgress.next_on` honest.

`next_on` is computed from the invoice's due date and its customer's scenario. When
either changes, by any path (the ORM, an import's raw UPDATE, the admin, SQL by hand),
the trigger clears it, so the next run reads the invoice again and recomputes it
(`plan._stale`). An invoice that is paid or cancelled gets `NEVER` (the run has nothing
to do for it, and its progress would otherwise be read every day from then on), and
one that opens again is cleared. The run trusts `next_on` without checking those inputs only while the
triggers are in place (`installed`): a SQLite table rebuilt by a later migration loses
its triggers, and the run then falls back to checking every invoice."""

NAMES = ("dunning_progress_due_date", "dunning_progress_customer_scenario",
         "dunning_progress_status")

_SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS dunning_progress_due_date
       AFTER UPDATE OF due_date ON ledger_invoice
       WHEN NEW.due_date IS NOT OLD.due_date
       BEGIN
         UPDATE dunning_invoiceprogress SET next_on = NULL WHERE invoice_id = NEW.id;
       END""",
    """CREATE TRIGGER IF NOT EXISTS dunning_progress_customer_scenario
       AFTER UPDATE OF scenario_id, segment ON ledger_customer
       WHEN NEW.scenario_id IS NOT OLD.scenario_id OR NEW.segment IS NOT OLD.segment
       BEGIN
         UPDATE dunning_invoiceprogress SET next_on = NULL
          WHERE invoice_id IN (SELECT id FROM ledger_invoice WHERE customer_id = NEW.id);
       END""",
    """CREATE TRIGGER IF NOT EXISTS dunning_progress_status
       AFTER UPDATE OF status ON ledger_invoice
       WHEN NEW.status IS NOT OLD.status
       BEGIN
         UPDATE dunning_invoiceprogress
            SET next_on = CASE WHEN NEW.status = 'open' THEN NULL ELSE '9999-12-31' END
          WHERE invoice_id = NEW.id;
       END""",
]

_POSTGRES = [
    """CREATE OR REPLACE FUNCTION dunning_progress_due_date() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN
         UPDATE dunning_invoiceprogress SET next_on = NULL WHERE invoice_id = NEW.id;
         RETURN NULL;
       END $$""",
    """CREATE OR REPLACE TRIGGER dunning_progress_due_date
       AFTER UPDATE OF due_date ON ledger_invoice FOR EACH ROW
       WHEN (NEW.due_date IS DISTINCT FROM OLD.due_date)
       EXECUTE FUNCTION dunning_progress_due_date()""",
    """CREATE OR REPLACE FUNCTION dunning_progress_customer_scenario() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN
         UPDATE dunning_invoiceprogress SET next_on = NULL
          WHERE invoice_id IN (SELECT id FROM ledger_invoice WHERE customer_id = NEW.id);
         RETURN NULL;
       END $$""",
    """CREATE OR REPLACE TRIGGER dunning_progress_customer_scenario
       AFTER UPDATE OF scenario_id, segment ON ledger_customer FOR EACH ROW
       WHEN (NEW.scenario_id IS DISTINCT FROM OLD.scenario_id
             OR NEW.segment IS DISTINCT FROM OLD.segment)
       EXECUTE FUNCTION dunning_progress_customer_scenario()""",
    """CREATE OR REPLACE FUNCTION dunning_progress_status() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN
         UPDATE dunning_invoiceprogress
            SET next_on = CASE WHEN NEW.status = 'open' THEN NULL ELSE DATE '9999-12-31' END
          WHERE invoice_id = NEW.id;
         RETURN NULL;
       END $$""",
    """CREATE OR REPLACE TRIGGER dunning_progress_status
       AFTER UPDATE OF status ON ledger_invoice FOR EACH ROW
       WHEN (NEW.status IS DISTINCT FROM OLD.status)
       EXECUTE FUNCTION dunning_progress_status()""",
]


def create_triggers(connection):
    statements = _POSTGRES if connection.vendor == "postgresql" else _SQLITE
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def drop_triggers(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name, table in zip(NAMES, ("ledger_invoice", "ledger_customer",
                                           "ledger_invoice")):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            for name in NAMES:
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            for name in NAMES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def installed(connection):
    """Whether all the triggers are in place."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname IN (%s, %s, %s) "
                           "AND NOT tgisinternal", list(NAMES))
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                           "AND name IN (%s, %s, %s)", list(NAMES))
        return cursor.fetchone()[0] == len(NAMES)
