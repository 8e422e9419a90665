"""Large jobs' helpers: writes by a second thread, reads ahead by a second thread."""
import pytest
from django.db import IntegrityError, connection, transaction

from relance.batch import background_writes
from relance.dunning.loading import _rows

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


def test_rows_read_ahead_are_the_querys_rows_in_order(probe):
    with connection.cursor() as cursor:
        cursor.executemany("INSERT INTO batch_probe (n, label) VALUES (%s, %s)",
                           [(n, str(n)) for n in range(25_000)])
    sql, params = "SELECT n, label FROM batch_probe WHERE n >= %s ORDER BY n", [5]

    assert list(_rows(sql, params, ahead=True)) == list(_rows(sql, params))
    assert len(list(_rows(sql, params, ahead=True))) == 24_995


def test_a_reader_stopped_early_leaves_the_connection_usable(probe):
    with connection.cursor() as cursor:
        cursor.executemany("INSERT INTO batch_probe (n, label) VALUES (%s, %s)",
                           [(n, str(n)) for n in range(50_000)])
    rows = _rows("SELECT n FROM batch_probe ORDER BY n", [], ahead=True)
    assert [next(rows) for _ in range(3)] == [(0,), (1,), (2,)]
    rows.close()

    assert stored(probe)[-1] == (49_999, "49999")


def test_an_error_in_a_query_read_ahead_is_raised_to_the_caller(probe):
    with pytest.raises(Exception) as raised, transaction.atomic():
        list(_rows("SELECT no_such_column FROM batch_probe", [], ahead=True))

    assert "no_such_column" in str(raised.value)
