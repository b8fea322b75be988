"""Step times: the time inside each block, and the time an iterator takes to produce its items, summed per step."""
from types import SimpleNamespace

from mspn_plugin.utils import step_times


def test_blocks_and_iterators_add_their_time_to_their_step(monkeypatch):
    clock = [0.0]
    monkeypatch.setattr(step_times, 'time', SimpleNamespace(perf_counter=lambda: clock[0]))
    times = step_times.StepTimes()

    def items():
        for i in range(3):
            clock[0] += 2.0  # producing an item takes 2 s
            yield i

    for item in times.timed(items(), 'read'):
        with times('work'):
            clock[0] += item + 1.0
    assert times.seconds == {'read': 6.0, 'work': 6.0}
    with times('work'):
        clock[0] += 0.5
    assert times.seconds['work'] == 6.5
