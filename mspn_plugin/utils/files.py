"""Crash-safe file writes: a temporary file in the target's folder, fsync, then an atomic rename."""
import json
import os
import os.path as osp
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any


def _commit(tmp: str, path: str) -> None:
    with open(tmp, 'rb') as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)
    folder = os.open(osp.dirname(osp.abspath(path)), os.O_RDONLY)
    try:
        os.fsync(folder)  # makes the rename itself durable
    finally:
        os.close(folder)


@contextmanager
def atomic_path(path: str) -> Iterator[str]:
    """A temporary path to write ``path``'s new content to (hidden, same folder). When the block completes, the
    file is flushed to disk and renamed over ``path``; when it fails, it is removed. A crash at any point leaves
    the old ``path`` intact."""
    folder, name = osp.split(path)
    tmp = osp.join(folder, f'.{name}.{os.getpid()}.tmp')
    try:
        yield tmp
        _commit(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)


@contextmanager
def atomic_open(path: str, mode: str = 'w') -> Iterator[IO[Any]]:
    """Open ``path`` for writing so that it is replaced only once the whole content is written."""
    with atomic_path(path) as tmp, open(tmp, mode) as f:
        yield f


def atomic_write_json(data: Any, path: str) -> None:
    """Write ``data`` as json to ``path`` atomically."""
    with atomic_open(path) as f:
        json.dump(data, f)
