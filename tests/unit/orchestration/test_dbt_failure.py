"""Wording a failed dbt build from its run_results.json (pure)."""

from pathlib import Path

from orchestration.defs.transform.dbt_failure import describe_failure, failed_nodes

MANIFEST = {
    "nodes": {
        "model.p.gl_lines": {"schema": "finance", "name": "gl_lines", "alias": "gl_lines"},
    }
}
RESULTS = {
    "results": [
        {"unique_id": "model.p.ok_model", "status": "success", "message": "OK"},
        {
            "unique_id": "model.p.gl_lines",
            "status": "error",
            "message": 'Runtime Error in model gl_lines\n  Binder Error: column "x" not found',
        },
        {
            "unique_id": "test.p.not_null_gl_lines_voucher_id.abc",
            "status": "fail",
            "message": "Got 3 results, configured to fail if != 0",
        },
        {"unique_id": "test.p.warned", "status": "warn", "message": "Got 1 result"},
        {"unique_id": "model.p.trial_balance", "status": "skipped", "message": None},
    ]
}


def test_names_failing_nodes_in_order_with_dbts_message_on_one_line():
    nodes = failed_nodes(RESULTS, MANIFEST)
    assert [(n.kind, n.name) for n in nodes] == [
        ("model", "finance.gl_lines"),
        ("test", "not_null_gl_lines_voucher_id"),
    ]
    assert nodes[0].message == 'Runtime Error in model gl_lines Binder Error: column "x" not found'


def test_first_line_names_the_first_failure_and_counts_the_rest():
    text = describe_failure(RESULTS, MANIFEST, log_path=Path("/t/dbt.log"))
    lines = text.splitlines()
    assert lines[0] == (
        "dbt model finance.gl_lines failed (and 1 more): "
        'Runtime Error in model gl_lines Binder Error: column "x" not found'
    )
    assert "dbt test not_null_gl_lines_voucher_id failed: Got 3 results" in lines[1]
    assert "dbt skipped 1 node(s)" in text and "/t/dbt.log" in lines[-1]
    assert "warned" not in text  # a warning does not fail the build


def test_without_run_results_dbts_own_error_stands_in():
    text = describe_failure(None, None, ["Parsing Error\n  bad yaml in models/x.yml", ""])
    assert (
        text == "dbt stopped without recording its results: Parsing Error bad yaml in models/x.yml"
    )


def test_long_messages_are_cut_and_personal_values_scrubbed():
    long = {"results": [{"unique_id": "model.p.m", "status": "error", "message": "x" * 1000}]}
    assert len(describe_failure(long).splitlines()[0]) < 360
    pii = {
        "results": [
            {
                "unique_id": "model.p.m",
                "status": "error",
                "message": "Could not convert string '110101199003071234' to INT32",
            }
        ]
    }
    assert "110101199003071234" not in describe_failure(pii)


def test_an_adapter_traceback_keeps_only_the_error():
    message = (
        "Runtime Error\n  IO Error: Could not open file\n"
        'Traceback (most recent call last):\n  File "x.py", line 1, in f\n    yield\n'
        "duckdb.IOException: IO Error: Could not open file: Is a directory\n"
    )
    text = describe_failure(
        {"results": [{"unique_id": "model.p.m", "status": "error", "message": message}]}
    )
    assert "Traceback" not in text and "x.py" not in text
    assert text.endswith("duckdb.IOException: IO Error: Could not open file: Is a directory")


def test_out_of_memory_says_which_cap_to_raise():
    oom = {
        "results": [
            {
                "unique_id": "model.p.gl_lines",
                "status": "error",
                "message": "Runtime Error in model gl_lines\n  Out of Memory Error: could not "
                "allocate block of size 256.0 KiB (1.8 GiB/1.8 GiB used)",
            }
        ]
    }
    text = describe_failure(oom, MANIFEST, memory_limit="2GB", log_path=Path("/t/dbt.log"))
    lines = text.splitlines()
    assert lines[0].startswith("dbt model finance.gl_lines failed: Runtime Error")
    assert "YECAI_DBT_MEMORY_LIMIT, now 2GB" in lines[1] and "=4GB" in lines[1]
    assert lines[-1].endswith("/t/dbt.log")
    assert "YECAI_DBT_MEMORY_LIMIT" not in describe_failure(RESULTS, MANIFEST)
