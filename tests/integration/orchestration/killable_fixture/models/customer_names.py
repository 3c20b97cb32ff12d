"""Slow on purpose when asked: the killed-run test catches dbt inside this model.

YECAI_FIXTURE_MARKER names a file written when the model starts; YECAI_FIXTURE_SLEEP the
seconds it then waits before writing its table.
"""

import os
import time
from pathlib import Path


def model(dbt, session):
    dbt.config(materialized="table")
    marker = os.environ.get("YECAI_FIXTURE_MARKER")
    if marker:
        Path(marker).write_text("building", encoding="utf-8")
    time.sleep(float(os.environ.get("YECAI_FIXTURE_SLEEP", "0")))
    return dbt.ref("stg_erp__customers").project("customer_id, name")
