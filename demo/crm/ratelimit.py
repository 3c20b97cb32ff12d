"""A sliding-window rate limiter: at most N requests per window per client key.

Pure apart from the clock, which is passed in, so the decision is unit-testable.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after_seconds: float  # 0 when allowed

    @property
    def retry_after_header(self) -> str:
        """HTTP Retry-After is whole seconds; round up so a client that obeys it succeeds."""
        return str(max(1, math.ceil(self.retry_after_seconds)))


@dataclass
class SlidingWindowLimiter:
    """``max_requests`` per ``window_seconds`` per key; ``max_requests <= 0`` disables it."""

    max_requests: int
    window_seconds: float = 1.0
    _hits: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, key: str, now: float) -> Decision:
        if self.max_requests <= 0:
            return Decision(True, 0.0)
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window_seconds:
                hits.popleft()
            if len(hits) >= self.max_requests:
                # Refused requests do not count, so a client that waits Retry-After gets in.
                return Decision(False, hits[0] + self.window_seconds - now)
            hits.append(now)
            return Decision(True, 0.0)
