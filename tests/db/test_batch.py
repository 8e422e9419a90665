"""Large jobs' helpers: writes by a second thread."""
import pytest
from django.db import IntegrityError, connection, transaction

from relance.db.batch import background_writes, from_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def probe():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE batch_probe (n integer PRIMARY KEY, label text)")
    yield "batch_probe"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE batch_probe")


def stored(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT n, label FROM {table} ORDER BY n")
        return cursor.fetchall()


def test_background_writes_are_all_done_in_order_when_the_block_ends(probe):
    with background_writes() as sink:
        for start in range(0, 3_000, 1_000):
            sink.executemany("INSERT INTO batch_probe (n, label) VALUES (%s, %s)",
                             [(n, f"row {n}") for n in range(start, start + 1_000)])
        sink.executemany("UPDATE batch_probe SET label = %s WHERE n = %s", [("last", 2_999)])

    rows = stored(probe)
    assert len(rows) == 3_000
    assert rows[0] == (0, "row 0") and rows[1_500] == (1_500, "row 1500")
    assert rows[-1] == (2_999, "last")   # the update ran after the insert it follows


def test_a_failed_background_write_raises_djangos_error_and_the_job_rolls_back(probe):
    with pytest.raises(IntegrityError), transaction.atomic():
        with background_writes() as sink:
            sink.executemany("INSERT INTO batch_probe (n, label) VALUES (%s, %s)",
                             [(1, "one"), (2, "two")])
            sink.executemany("INSERT INTO batch_probe (n, label) VALUES (%s, %s)",
                             [(2, "again")])
            sink.executemany("INSERT INTO batch_probe (n, label) VALUES (%s, %s)",
                             [(3, "after the error")])

    assert stored(probe) == []


def test_an_insert_becomes_the_same_insert_of_a_json_array_of_rows():
    sql = ("INSERT INTO t (a, b, c, d) VALUES (%s, 'x, (y) ''z''', %s, '[]') "
           "ON CONFLICT (a) DO UPDATE SET b = excluded.b")

    assert from_json(sql) == (
        "INSERT INTO t (a, b, c, d) SELECT value ->> 0, 'x, (y) ''z''', value ->> 1, '[]' "
        "FROM json_each(%s) WHERE true ON CONFLICT (a) DO UPDATE SET b = excluded.b")
    assert from_json("UPDATE t SET a = %s WHERE b = %s") is None


def test_values_written_in_the_background_are_stored_as_a_plain_insert_stores_them(probe):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE batch_kinds (n integer PRIMARY KEY, "
                       "label text, amount decimal, flag bool, day date, big bigint)")
    rows = [(1, "Société « Ä » \"quoted\" 'single' %s", "12.50", True, "2026-11-24",
             2 ** 62 + 1),
            (2, None, "0", False, None, -5),
            (3, "", "1234567.89", True, "2026-01-01", 0)]
    insert = ("INSERT INTO batch_kinds (n, label, amount, flag, day, big) "
              "VALUES (%s, %s, %s, %s, %s, %s)")
    with background_writes() as sink:
        sink.executemany(insert, rows)
    with connection.cursor() as cursor:
        cursor.execute("SELECT n, label, amount, flag, day, big FROM batch_kinds ORDER BY n")
        written = cursor.fetchall()
        cursor.execute("DELETE FROM batch_kinds")
        cursor.executemany(insert, rows)
        cursor.execute("SELECT n, label, amount, flag, day, big FROM batch_kinds ORDER BY n")
        plain = cursor.fetchall()
        cursor.execute("DROP TABLE batch_kinds")

    assert written == plain
    assert written[0][1] == "Société « Ä » \"quoted\" 'single' %s"
    assert written[0][5] == 2 ** 62 + 1
