"""The launch commands of a reproduction: the project's scripts with their arguments and variables."""
import pytest

from mspn_plugin.reproduction import Launcher


def test_torchrun_runs_the_dist_scripts_with_the_port():
    launcher = Launcher('torchrun', 4, '/repo/tools', port=29555)
    assert launcher.train_command('c.py', 'w', ['--resume']) == [
        'bash', '/repo/tools/dist_train.sh', 'c.py', '4', '--work-dir', 'w', '--resume']
    assert launcher.test_command('c.py', 'w/iter_8.pth', 't', []) == [
        'bash', '/repo/tools/dist_test.sh', 'c.py', 'w/iter_8.pth', '4', '--work-dir', 't']
    assert launcher.env()['PORT'] == '29555' and 'GPUS' not in launcher.env()


def test_slurm_runs_the_slurm_scripts_with_their_variables():
    launcher = Launcher('slurm', 16, '/repo/tools', partition='gpu', gpus_per_node=8, cpus_per_task=4,
                        srun_args='--time=1-00:00:00')
    assert launcher.train_command('configs/x/a b.py', 'w', []) == [
        'bash', '/repo/tools/slurm_train.sh', 'gpu', 'train-a_b', 'configs/x/a b.py', 'w']
    assert launcher.test_command('c.py', 'k.pth', 't', ['--cfg-options', 'a=1']) == [
        'bash', '/repo/tools/slurm_test.sh', 'gpu', 'test-c', 'c.py', 'k.pth', '--work-dir', 't',
        '--cfg-options', 'a=1']
    env = launcher.env()
    assert (env['GPUS'], env['GPUS_PER_NODE'], env['CPUS_PER_TASK'], env['SRUN_ARGS']) == (
        '16', '8', '4', '--time=1-00:00:00')
    assert launcher.describe() == 'Slurm partition gpu, 16 task(s), 8 GPU(s) a node'


@pytest.mark.parametrize('kwargs, message', [(dict(kind='mpi', gpus=1), 'torchrun'),
                                             (dict(kind='torchrun', gpus=0), 'at least 1'),
                                             (dict(kind='slurm', gpus=2), 'partition')])
def test_invalid_launchers(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Launcher(tools_dir='tools', **kwargs)
