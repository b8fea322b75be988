"""Live sources: the newest frame handed out, the frames in between dropped and counted, the latency bounded by the
processing time (no queue), and a clean stop; a stream served on 127.0.0.1 faster than the consumer."""
import time

import numpy as np
import pytest

from helpers.mjpeg_stream import MJPEGStream
from mspn_plugin.apis.live_input import LiveSource, is_live, live_name
from mspn_plugin.utils.errors import InputError

FPS = 50.0


def numbered_frame(index: int) -> np.ndarray:
    return np.full((48, 64, 3), index % 256, np.uint8)


@pytest.mark.parametrize('spec, live, name', [('0', True, 'camera0'), ('rtsp://cam.local:554/live/main', True, 'main'),
                                              ('http://127.0.0.1:8080/stream.mjpg', True, 'stream'),
                                              ('http://host/', True, 'host'), ('clip.mp4', False, None),
                                              ('demo/resources/coco', False, None)])
def test_camera_indices_and_urls_are_live_sources(spec, live, name):
    assert is_live(spec) == live
    if live:
        assert live_name(spec) == name


def test_a_slow_consumer_gets_the_newest_frames_with_bounded_latency():
    """100 frames at 50 frames/s, each taking the consumer 0.1 s (5 frame intervals)."""
    with MJPEGStream(numbered_frame, count=100, fps=FPS) as stream:
        source = LiveSource(stream.url)
        indices, work = [], []
        for frame in source.frames():
            start = time.monotonic()
            assert frame.image.shape == (48, 64, 3) and abs(int(frame.image.mean()) - frame.index % 256) <= 2
            indices.append(frame.index)
            time.sleep(0.1)
            work.append(time.monotonic() - start)
    summary = source.summary()
    print(summary)
    assert summary['received'] == stream.sent == 100
    assert summary['processed'] == len(indices) and summary['received'] == summary['processed'] + summary['dropped']
    assert summary['dropped'] > summary['processed'], 'a consumer 5 times slower than the source drops most frames'
    assert indices == sorted(set(indices)) and np.diff(indices).max() > 1
    # a frame waits at most for the previous frame's processing (plus a frame interval for its arrival): with a
    # queue the 20th frame alone would have waited 20 x (0.1 - 0.02) = 1.6 s
    for i, latency in enumerate(source.latencies):
        assert latency <= work[i] + (work[i - 1] if i else 0.0) + 2 / FPS + 0.05, (i, latency, work[i])


def test_stop_ends_the_frames_and_every_frame_is_accounted_for():
    with MJPEGStream(numbered_frame, count=1000, fps=FPS) as stream:
        source = LiveSource(stream.url)
        for count, _ in enumerate(source.frames(), 1):
            time.sleep(0.05)
            if count == 5:
                source.stop()
    summary = source.summary()
    assert summary['processed'] == 5 and summary['received'] == summary['processed'] + summary['dropped']
    assert summary['received'] < 1000


def test_a_source_that_cannot_be_opened_is_an_error_naming_it():
    with pytest.raises(InputError, match='http://127.0.0.1:9/none.mjpg: cannot be opened'):
        LiveSource('http://127.0.0.1:9/none.mjpg')
