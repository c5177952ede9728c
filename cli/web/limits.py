"""How much work the server takes on at once, and where it runs: never on the event loop.

Validating a fact set, evaluating it, recording it and rendering its page are CPU work (the
rule engine holds the GIL while it runs). Done on the event loop, one slow request would stall
every other, down to ``GET /v1/editions``; so they run in worker threads, at most
:data:`MAX_EVALUATIONS` at once. Threads do not make the engine faster (it never releases the
GIL): the limit keeps the loop free and bounds the work in flight. Requests beyond it wait their
turn, up to :data:`MAX_WAITING`; past that the server answers 503 ``server_busy`` at once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from ...errors import Problem
from .errors import web_error

#: Evaluations (with their validation, recording and page) running at once.
MAX_EVALUATIONS = 4
#: Requests waiting for an evaluation to finish before the server says it is busy.
MAX_WAITING = 64
#: Seconds a client has to send a whole request body.
BODY_TIMEOUT = 10.0

T = TypeVar("T")


class Evaluations:
    """A bounded pool of worker threads for the requests' CPU work."""

    def __init__(self, limit: int = MAX_EVALUATIONS, waiting: int = MAX_WAITING):
        self.limiter = anyio.CapacityLimiter(limit)
        self.capacity = limit + waiting
        self.pending = 0

    async def run(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``work(*args, **kwargs)`` in a worker thread, once one is free; 503 when too many wait already."""
        if self.pending >= self.capacity:
            raise web_error("server_busy", "the server is busy with other cases", [Problem(
                "server", f"{self.pending} requests in progress", f"at most {self.capacity}", "try again shortly")])
        self.pending += 1
        try:
            return await anyio.to_thread.run_sync(partial(work, *args, **kwargs), limiter=self.limiter)
        finally:
            self.pending -= 1


__all__ = ["BODY_TIMEOUT", "MAX_EVALUATIONS", "MAX_WAITING", "Evaluations"]
