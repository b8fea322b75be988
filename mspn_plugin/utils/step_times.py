"""Seconds spent in each step of a run, for the summaries of inference and the benchmark."""
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager


class StepTimes:
    """Wall-clock seconds spent in each named step of a run (``with times('pose'): ...``)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    @contextmanager
    def __call__(self, step: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[step] += time.perf_counter() - start

    def timed(self, items: Iterator, step: str) -> Iterator:
        """``items``, the time taken to produce each counted in ``step``."""
        while True:
            with self(step):
                item = next(items, None)
            if item is None:
                return
            yield item


