"""Text written into psycopg2 statements (``conversions.literal_text``) is what
psycopg2 would write: the same bytes reach the server, and no value that is not
of the declared shape is ever written in."""

import hashlib

import peewee
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rustforge.db import conversions


class _Psycopg2:
    _adapter = peewee.Psycopg2Adapter()


SQL = "SELECT * FROM t WHERE a LIKE '%%x' AND k = %s AND n = %s LIMIT %s"
DIGEST = hashlib.sha256(b"key").hexdigest()
HOSTILE = ["", "'", "''", "\\", "a'b", "x\\'; DROP TABLE t; --", "%s", "%", "\x00",
           DIGEST[:-1] + "'", DIGEST[:-1] + "\\", DIGEST[:-1] + "\x00", DIGEST[:-1] + "%",
           DIGEST[:-1] + "\u00e9", DIGEST.upper(), DIGEST + "0", DIGEST[:-1],
           "\u00e9" * 64, "\U0001f600" * 64, " " + DIGEST[1:], DIGEST[:-1] + "g",
           "0" * 64, "f" * 64]


def _statement(db, alphabet=conversions.HEX_DIGITS, length=64):
    text = conversions.literal_text(str, length, alphabet)
    slots = [conversions.converter_slot(0, text), conversions.converter_slot(1, int), 5]
    return conversions.compile_statement(db, SQL, slots)


def test_a_value_of_the_declared_shape_is_written_in_quoted():
    statement = _statement(_Psycopg2())
    assert statement([DIGEST, 7]) == (SQL.replace("k = %s", f"k = '{DIGEST}'")
                                      .replace("n = %s", "n = 7"), [5])
    assert conversions.converter_slot(0, conversions.literal_text(str, 64)).length == 64


@pytest.mark.parametrize("value", HOSTILE[:-2])
def test_a_value_of_another_shape_stays_a_parameter(value):
    sql, params = _statement(_Psycopg2())([value, 7])
    assert "k = %s" in sql and params == [value, 5]


def test_other_drivers_bind_every_value():
    statement = _statement(peewee.SqliteDatabase(":memory:"))
    assert statement([DIGEST, 7]) == (SQL, [DIGEST, 7, 5])


def test_a_field_db_value_is_kept_behind_the_mark():
    field = peewee.CharField()
    slot = conversions.converter_slot(3, conversions.literal_text(field.db_value, 64))
    assert isinstance(slot, conversions.TextSlot)
    assert (slot.source, slot.convert, slot.kept) == (3, field.db_value, str)
    assert conversions.literal_text(str, 4)("ab") == "ab"


@pytest.mark.parametrize("alphabet", ["'", "%", "\\", "ab'", "\x00", "\u00e9", "a b", ""])
def test_only_letters_and_digits_can_be_declared(alphabet):
    with pytest.raises(ValueError, match="letters and digits"):
        conversions.literal_text(str, 64, alphabet)
    with pytest.raises(ValueError):
        conversions.literal_text(str, 0)


@pytest.fixture
def cursor(db):
    conn = db.connection()
    if not type(conn).__module__.startswith("psycopg2"):
        pytest.skip("psycopg2 writes parameters on the client; other drivers bind them")
    return conn.cursor()


def _mogrified(cursor, sql, params):
    try:
        return cursor.mogrify(sql, params)
    except ValueError as exc:  # a NUL: psycopg2 refuses it, the same either way
        return repr(exc)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text() | st.sampled_from(HOSTILE) | st.text("0123456789abcdef'\\\x00%",
                                                             min_size=63, max_size=65)
       | st.binary(min_size=32, max_size=32).map(bytes.hex),
       number=st.integers(-5, 10**6), alphabet=st.sampled_from(["0123456789abcdef", "ab",
                                                               "0123456789ABCDEFabcdef"]))
@example(value=DIGEST, number=7, alphabet="0123456789abcdef")
def test_the_server_receives_what_psycopg2_would_write(cursor, value, number, alphabet):
    for length in (64, len(value) or 1):
        sql, params = _statement(_Psycopg2(), alphabet, length)([value, number])
        assert _mogrified(cursor, sql, params) == _mogrified(cursor, SQL, [value, number, 5])
        written = value not in [p for p in params if isinstance(p, str)]
        assert written == (len(value) == length and set(value) <= set(alphabet))
