"""Errors caused by bad user inputs, which the command-line tools report in one line instead of a traceback."""
import re


class InputError(Exception):
    """A file the user supplied (image, annotation, detections, config, checkpoint) is missing or unusable.

    The message names the file and the problem.
    """


def _last_line(message: str) -> str:
    # an error raised in a DataLoader worker comes back with the worker's traceback in its message;
    # the original message is its last line, after the exception's qualified name
    lines = [line for line in message.strip().splitlines() if line.strip()]
    last = lines[-1] if lines else ''
    return re.sub(r'^[\w.]+(Error|Exception): ', '', last) if len(lines) > 1 else last


def input_error_message(error: BaseException, config: str | None = None) -> str | None:
    """One line, ``<file>: <problem>``, for an error caused by a bad input; None for anything else (likely a bug,
    which deserves its traceback).

    Bad inputs are :class:`InputError`, a missing file, and the two errors MMEngine raises for a config naming an
    unknown component (``KeyError: X is not in the ... registry``) or giving a component an argument it does not
    take (``TypeError: ... unexpected keyword argument``); those two are attributed to ``config``.
    """
    if isinstance(error, InputError):
        return _last_line(str(error))
    if isinstance(error, FileNotFoundError):
        return f'{error.filename}: {error.strerror}' if error.filename else _last_line(str(error))
    text = str(error.args[0]) if error.args else ''
    if config and ((isinstance(error, KeyError) and 'registry' in text)
                   or (isinstance(error, TypeError) and 'unexpected keyword argument' in text)):
        return f'{config}: {_last_line(text)}'
    return None
