"""Work overlapped with the main thread: reading ahead from an iterator, and writing behind in submission order.

Both keep a bounded queue (memory stays bounded when one side is slower) and hand errors back to the main thread.
They pay off for work that releases the GIL (OpenCV's decoding, encoding and file writes) while the main thread
runs the models.
"""
import queue
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar('T')
_END = object()


def read_ahead(items: Iterator[T], depth: int = 4) -> Iterator[T]:
    """``items``, produced by a background thread up to ``depth`` ahead of the consumer. An error raised by
    ``items`` is raised here, where its item would have come; closing this iterator stops the thread."""
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stopped = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stopped.is_set():
                    try:
                        ready.put((item, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stopped.is_set():
                    return
            ready.put((_END, None))
        except BaseException as error:  # handed to the consumer
            ready.put((_END, error))
        finally:
            if hasattr(items, 'close'):  # a generator's own cleanup (a video capture released), in this thread
                items.close()

    thread = threading.Thread(target=produce, name='read ahead', daemon=True)
    thread.start()
    try:
        while True:
            item, error = ready.get()
            if error is not None:
                raise error
            if item is _END:
                return
            yield item
    finally:
        stopped.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                ready.get_nowait()
            except queue.Empty:
                thread.join(timeout=0.1)


class WriteBehind:
    """Calls run one after the other by a background thread, in the order submitted (at most ``depth`` waiting);
    the first error is raised by the next :meth:`submit` or by :meth:`close`, which waits for the queue to empty."""

    def __init__(self, depth: int = 4) -> None:
        self.pending: queue.Queue = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name='write behind', daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (call := self.pending.get()) is not None:
            if self.error is None:
                try:
                    call()
                except BaseException as error:  # raised in the main thread
                    self.error = error

    def submit(self, function: Callable, *args) -> None:
        self._raise()
        self.pending.put(lambda: function(*args))

    def close(self) -> None:
        if self.thread.is_alive():
            self.pending.put(None)
            self.thread.join()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error
