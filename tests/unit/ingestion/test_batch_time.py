"""A batch id carries when its batch began: retention ages quarantined rows by it."""

from datetime import UTC, datetime

from ingestion.batches import batch_time, new_batch_id


def test_batch_time_reads_back_the_moment_a_batch_id_was_made():
    moment = datetime(2026, 3, 1, 8, 9, 10, 123456, tzinfo=UTC)
    assert batch_time(new_batch_id("hr-2", "employees", moment)) == moment


def test_a_batch_id_of_another_shape_has_no_time():
    assert batch_time("manual-fix-employees") is None
