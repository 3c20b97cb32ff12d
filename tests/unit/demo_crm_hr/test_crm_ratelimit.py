"""The sliding-window rate limiter behind the CRM API's 429 answers."""

from __future__ import annotations

import pytest

from demo.crm.ratelimit import SlidingWindowLimiter

pytestmark = pytest.mark.unit


def test_allows_n_per_window_then_refuses_with_time_until_a_slot_frees():
    limiter = SlidingWindowLimiter(max_requests=3, window_seconds=1.0)
    assert [limiter.check("t", now).allowed for now in (10.0, 10.1, 10.2)] == [True] * 3
    refused = limiter.check("t", 10.3)
    assert not refused.allowed
    assert refused.retry_after_seconds == pytest.approx(0.7)
    assert refused.retry_after_header == "1"  # whole seconds, rounded up
    assert limiter.check("t", 11.01).allowed  # the 10.0 hit left the window


def test_refused_requests_do_not_extend_the_wait():
    limiter = SlidingWindowLimiter(max_requests=1, window_seconds=1.0)
    assert limiter.check("t", 0.0).allowed
    for now in (0.2, 0.4, 0.6, 0.8):
        assert not limiter.check("t", now).allowed
    assert limiter.check("t", 1.0).allowed


def test_each_token_has_its_own_budget():
    limiter = SlidingWindowLimiter(max_requests=1)
    assert limiter.check("a", 0.0).allowed
    assert limiter.check("b", 0.0).allowed
    assert not limiter.check("a", 0.1).allowed


def test_zero_disables_the_limit():
    limiter = SlidingWindowLimiter(max_requests=0)
    assert all(limiter.check("t", 0.0).allowed for _ in range(1000))


def test_retry_after_header_rounds_up_multi_second_waits():
    limiter = SlidingWindowLimiter(max_requests=1, window_seconds=5.0)
    limiter.check("t", 0.0)
    assert limiter.check("t", 0.5).retry_after_header == "5"
