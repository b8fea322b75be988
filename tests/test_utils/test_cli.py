"""mspn_plugin.utils.cli.exit_status: the tools' exit statuses and their process group's end."""
import torch.distributed as dist

from mspn_plugin.utils.cli import exit_status
from mspn_plugin.utils.errors import InputError


def _one_process_group(tmp_path) -> None:
    dist.init_process_group('gloo', init_method=f'file://{tmp_path / "store"}', rank=0, world_size=1)


def test_the_process_group_is_destroyed_after_a_completed_run(tmp_path):
    _one_process_group(tmp_path)
    assert exit_status(lambda: dist.barrier()) == 0
    assert not dist.is_initialized()


def test_a_bad_input_gives_status_1_with_one_line_and_ends_the_process_group(tmp_path, capsys):
    _one_process_group(tmp_path)

    def bad_input():
        raise InputError('broken.json: not JSON')

    assert exit_status(bad_input) == 1
    assert capsys.readouterr().err == 'error: broken.json: not JSON\n'
    assert not dist.is_initialized()
