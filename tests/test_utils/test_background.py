"""Reading ahead and writing behind: order kept, errors handed back, threads stopped."""
import threading
import time

import pytest

from mspn_plugin.utils.background import WriteBehind, read_ahead


def test_read_ahead_keeps_the_order_and_reads_in_another_thread():
    threads = []

    def items():
        for i in range(20):
            threads.append(threading.current_thread())
            yield i

    assert list(read_ahead(items(), depth=3)) == list(range(20))
    assert threading.current_thread() not in threads


def test_read_ahead_raises_the_error_where_its_item_would_have_come():
    def items():
        yield 1
        raise ValueError('frame 2 is corrupt')

    reader = read_ahead(items())
    assert next(reader) == 1
    with pytest.raises(ValueError, match='frame 2'):
        next(reader)


def test_a_consumer_stopping_early_stops_the_reader_and_closes_the_source():
    produced, closed = [], []

    def endless():
        try:
            while True:
                produced.append(1)
                yield len(produced)
        finally:
            closed.append(True)  # e.g. a video capture released

    reader = read_ahead(endless(), depth=2)
    assert next(reader) == 1
    reader.close()
    assert closed == [True]
    count = len(produced)
    time.sleep(0.3)
    assert len(produced) == count <= 4  # bounded read-ahead, then nothing more


def test_write_behind_runs_in_order_and_reports_the_first_error():
    written = []
    writer = WriteBehind(depth=2)
    for i in range(10):
        writer.submit(written.append, i)
    writer.close()
    assert written == list(range(10))

    def fail(i):
        raise OSError(f'disk full at {i}')

    writer = WriteBehind()
    writer.submit(fail, 3)
    with pytest.raises(OSError, match='disk full at 3'):  # at the next submit or at the close
        writer.submit(written.append, 'not run after the error')
        writer.close()
    assert written[-1] == 9
