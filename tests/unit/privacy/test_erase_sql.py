"""What erasing one person does to a relation's rows (the SQL run on a real DuckDB)."""

from decimal import Decimal

import duckdb

from yecai.privacy.erase import person_from
from yecai.privacy.erase_sql import plan_rewrite

KEY = bytes.fromhex("11" * 32)
ID = "11010519491231002X"
NAME = "张三"
FOUND = {"national_id": {ID}, "person_name": {NAME}, "phone": {"13800138000"}}
COLUMNS = [
    ("employee_id", "VARCHAR"),
    ("employee_name", "VARCHAR"),
    ("national_id", "VARCHAR"),
    ("birth_date", "DATE"),
    ("note", "VARCHAR"),
    ("gross_pay", "DECIMAL(18,2)"),
]
CLASSES = {
    "employee_name": "person_name",
    "national_id": "national_id",
    "birth_date": "birth_date",
    "gross_pay": "salary",
}


def _table():
    con = duckdb.connect()
    con.execute(
        "create table t (employee_id varchar, employee_name varchar, national_id varchar, "
        "birth_date date, note varchar, gross_pay decimal(18,2))"
    )
    con.execute(
        "insert into t values "
        f"('E1', '{NAME}', '{ID.lower()}', date '1949-12-31', 'call 138-0013-8000', 100.00), "
        f"('E2', '李四', '110105198001010011', date '1980-01-01', 'met {NAME} at noon', 200.00)"
    )
    return con


def test_the_persons_values_become_tokens_amounts_stay():
    person = person_from(FOUND, KEY)
    con = _table()
    plan = plan_rewrite(COLUMNS, CLASSES, person)
    assert plan is not None
    con.execute(plan.update_sql("t"))
    rows = con.execute("select * from t order by employee_id").fetchall()
    e1, e2 = rows
    assert e1[0] == "E1" and e1[1].startswith("tok_") and e1[2].startswith("tok_")
    assert e1[2] == person.strong[ID]  # the lower-case x of the source is the same person
    assert e1[3] is None  # birth date of the person's row: gone
    assert e1[5] == Decimal("100.00")  # amounts kept: the books still balance
    # another person's row keeps its values; their note naming the person is not a name column
    assert e2[1:4] == ("李四", "110105198001010011", e2[3]) and e2[3] is not None
    assert e2[4] == f"met {NAME} at noon" and e2[5] == Decimal("200.00")


def test_a_strong_identifier_is_replaced_inside_any_text():
    person = person_from({"national_id": {ID}, "phone": {"138 0013 8000"}}, KEY)
    con = duckdb.connect()
    con.execute("create table q (reason varchar) ")
    con.execute(f"insert into q values ('bad check digit in {ID} (phone 13800138000)')")
    plan = plan_rewrite([("reason", "VARCHAR")], {}, person)
    con.execute(plan.update_sql("q"))
    (reason,) = con.execute("select reason from q").fetchone()
    assert ID not in reason and "13800138000" not in reason and reason.count("tok_") == 2


def test_a_relation_that_cannot_hold_the_person_is_left_alone():
    person = person_from(FOUND, KEY)
    assert plan_rewrite([("amount", "DECIMAL(18,2)"), ("period", "INTEGER")], {}, person) is None


def test_the_rewrite_as_a_select_keeps_every_row_in_order():
    person = person_from(FOUND, KEY)
    con = _table()
    plan = plan_rewrite(COLUMNS, CLASSES, person)
    out = con.execute(f"select {plan.select_list(COLUMNS)} from t").fetchall()
    assert [r[0] for r in out] == ["E1", "E2"] and len(out[0]) == len(COLUMNS)
