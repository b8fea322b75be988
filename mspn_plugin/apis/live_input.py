"""Live input: a camera or a stream (OpenCV), processed as it arrives.

A reader thread takes the frames from the source as fast as the source gives them and keeps only the newest one;
the consumer always gets the newest frame, so when it is slower than the source the frames in between are
dropped (and counted) instead of queueing up: the latency stays bounded by about two frames' processing time.
The first Ctrl-C (SIGINT) ends the run after the frame in progress, so that every output is closed and valid.
"""
import re
import signal
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import cv2
import numpy as np
from mmengine.logging import print_log

from ..utils.errors import InputError

URL = re.compile(r'^[a-z][a-z0-9+.-]*://', re.IGNORECASE)
READER_JOIN_TIMEOUT_S = 5.0  # how long the end of a run waits for the reader's pending read (a stream can stall)


def is_live(spec: str) -> bool:
    """Whether ``spec`` names a live source: a camera index (``0``) or a stream URL (``rtsp://...``,
    ``http://...``)."""
    return spec.isdigit() or bool(URL.match(spec))


def live_name(spec: str) -> str:
    """A file-name stem for the outputs of source ``spec``: ``camera0``, or the URL's last path part."""
    if spec.isdigit():
        return f'camera{spec}'
    stem = re.sub(r'\.[A-Za-z0-9]+$', '', spec.rstrip('/').rsplit('/', 1)[-1])
    return re.sub(r'[^A-Za-z0-9_-]+', '_', stem).strip('_') or 'stream'


@dataclass
class LiveFrame:
    """A frame of a live source: its index in the stream, its image (H, W, 3) and when it arrived (seconds,
    ``time.monotonic``)."""

    index: int
    image: np.ndarray
    arrival: float


class LiveSource:
    """A camera (index) or stream (URL) read by a thread that keeps only the newest frame.

    ``frames()`` yields the newest frame each time it is asked; the time from a frame's arrival to the next request
    (the consumer is done with it) is its latency. ``received``, ``dropped`` (never handed out) and ``latencies``
    describe the run; :meth:`stop` ends it.
    """

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.capture = cv2.VideoCapture(int(spec) if spec.isdigit() else spec)
        if not self.capture.isOpened():
            raise InputError(f'{spec}: cannot be opened as a camera or stream')
        self.fps = self.capture.get(cv2.CAP_PROP_FPS) or 0.0
        self.received = self.dropped = 0
        self.latencies: list[float] = []
        self._newest: LiveFrame | None = None
        self._ended = False
        self._stopped = threading.Event()
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, name=f'live input {spec}', daemon=True)
        self._reader.start()

    def _read(self) -> None:
        index = 0
        try:
            while not self._stopped.is_set():
                ok, image = self.capture.read()
                with self._changed:
                    if not ok:
                        break
                    if self._newest is not None:
                        self.dropped += 1
                    self._newest = LiveFrame(index, image, time.monotonic())
                    self.received += 1
                    index += 1
                    self._changed.notify()
        finally:
            with self._changed:
                self._ended = True
                self._changed.notify()
            self.capture.release()

    def frames(self) -> Iterator[LiveFrame]:
        """The newest frame, each time one is asked for, until the source ends or :meth:`stop` is called."""
        while not self._stopped.is_set():
            with self._changed:
                self._changed.wait_for(lambda: self._newest is not None or self._ended or self._stopped.is_set())
                frame, self._newest = self._newest, None
            if frame is None:
                break
            yield frame
            self.latencies.append(time.monotonic() - frame.arrival)
        self.stop()
        self._reader.join(timeout=READER_JOIN_TIMEOUT_S)
        with self._changed:
            if self._newest is not None:  # arrived after the last one handed out
                self.dropped += 1
                self._newest = None

    def stop(self) -> None:
        """End :meth:`frames` after the frame in progress; the reader thread releases the source."""
        self._stopped.set()
        with self._changed:
            self._changed.notify_all()

    def summary(self) -> dict:
        """Frames received from the source, processed and dropped, and the latency (seconds from a frame's arrival
        to the end of its processing: median and max)."""
        latencies = self.latencies or [0.0]
        return dict(received=self.received, processed=len(self.latencies), dropped=self.dropped,
                    latency_median_s=statistics.median(latencies), latency_max_s=max(latencies))


@contextmanager
def stop_on_interrupt(source: LiveSource) -> Iterator[None]:
    """While the block runs (in the main thread), the first Ctrl-C stops ``source`` after the frame in progress; a
    second one interrupts at once (KeyboardInterrupt)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum, frame) -> None:
        print_log(f'{source.spec}: interrupted, stopping after the current frame (Ctrl-C again to abort)',
                  logger='current')
        signal.signal(signal.SIGINT, signal.default_int_handler)
        source.stop()

    signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
