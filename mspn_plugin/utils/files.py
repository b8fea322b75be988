"""Crash-safe file writes: a temporary file in the target's folder, fsync, then an atomic rename."""
import json
import os
import os.path as osp
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any


def temporary_name(path: str) -> str:
    """A hidden name next to ``path`` for the file being written (same folder, so the rename is atomic)."""
    folder, name = osp.split(path)
    return osp.join(folder, f'.{name}.{os.getpid()}.tmp')


def commit_file(tmp: str, path: str) -> None:
    """Flush ``tmp`` to disk and rename it over ``path``; a crash at any point leaves the old ``path`` intact."""
    with open(tmp, 'rb') as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)
    folder = os.open(osp.dirname(osp.abspath(path)), os.O_RDONLY)
    try:
        os.fsync(folder)  # makes the rename itself durable
    finally:
        os.close(folder)


@contextmanager
def atomic_open(path: str, mode: str = 'w') -> Iterator[IO[Any]]:
    """Open ``path`` for writing so that it is replaced only once the whole content is written."""
    tmp = temporary_name(path)
    try:
        with open(tmp, mode) as f:
            yield f
        commit_file(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)


def atomic_write_json(data: Any, path: str) -> None:
    """Write ``data`` as json to ``path`` atomically."""
    with atomic_open(path) as f:
        json.dump(data, f)
