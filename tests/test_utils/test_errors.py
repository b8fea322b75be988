import pytest

from mspn_plugin.utils.errors import InputError, input_error_message


@pytest.mark.parametrize('error,expected', [
    (InputError('a.jpg: empty file'), 'a.jpg: empty file'),
    # raised again by torch's DataLoader from a worker: the worker's traceback, then the original message
    (InputError('Caught InputError in DataLoader worker process 0.\nOriginal Traceback (most recent call last):\n'
                '  File "x.py", line 1, in f\nmspn_plugin.utils.errors.InputError: a.jpg: empty file\n'),
     'a.jpg: empty file'),
    (FileNotFoundError(2, 'No such file or directory', 'b.pth'), 'b.pth: No such file or directory'),
    (FileNotFoundError('checkpoint b.pth does not exist'), 'checkpoint b.pth does not exist'),
    (KeyError('Foo is not in the mmpose::model registry. Please check'), 'c.py: Foo is not in the mmpose::model '
                                                                          'registry. Please check'),
    (TypeError("Foo.__init__() got an unexpected keyword argument 'x'"),
     "c.py: Foo.__init__() got an unexpected keyword argument 'x'"),
    (KeyError('weight'), None),  # not an input problem: keeps its traceback
    (TypeError('unsupported operand'), None),
    (ValueError('boom'), None),
])
def test_one_line_messages_for_input_errors_only(error, expected):
    assert input_error_message(error, 'c.py') == expected
