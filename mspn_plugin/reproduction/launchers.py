"""How the reproduction runs its trainings and evaluations: through the project's launch scripts (torchrun on this
machine, or Slurm's srun), never a scheduler of its own."""
import os
import os.path as osp
import re
import sys
from dataclasses import dataclass

__all__ = ['Launcher']


@dataclass(frozen=True)
class Launcher:
    """``kind`` ``'torchrun'`` (``tools/dist_train.sh`` / ``dist_test.sh``: ``gpus`` processes here, rendezvous on
    ``port``) or ``'slurm'`` (``tools/slurm_train.sh`` / ``slurm_test.sh`` on ``partition``: ``gpus`` tasks,
    ``gpus_per_node`` on a node, 0 for CPU tasks, ``cpus_per_task`` cores each, more srun options in ``srun_args``).
    ``tools_dir``: the folder of those scripts. Without a GPU the processes communicate with gloo."""

    kind: str
    gpus: int
    tools_dir: str
    port: int = 29500
    partition: str | None = None
    gpus_per_node: int | None = None
    cpus_per_task: int = 5
    srun_args: str = ''

    def __post_init__(self) -> None:
        if self.kind not in ('torchrun', 'slurm'):
            raise ValueError(f"launcher must be 'torchrun' or 'slurm', got {self.kind!r}")
        if self.gpus < 1:
            raise ValueError(f'the number of GPUs (processes) must be at least 1, got {self.gpus}')
        if self.kind == 'slurm' and not self.partition:
            raise ValueError('the slurm launcher needs a partition')

    def describe(self) -> str:
        """One line for logs and reports."""
        if self.kind == 'torchrun':
            return f'torchrun, {self.gpus} process(es) on this machine'
        return (f'Slurm partition {self.partition}, {self.gpus} task(s), '
                f'{self.gpus if self.gpus_per_node is None else self.gpus_per_node} GPU(s) a node')

    def env(self) -> dict[str, str]:
        """The environment of a launch: this one, the scripts' variables, and this Python for the processes."""
        env = dict(os.environ, PORT=str(self.port), PYTHON=os.environ.get('PYTHON', sys.executable))
        if self.kind == 'slurm':
            env.update(GPUS=str(self.gpus), CPUS_PER_TASK=str(self.cpus_per_task), SRUN_ARGS=self.srun_args)
            if self.gpus_per_node is not None:
                env['GPUS_PER_NODE'] = str(self.gpus_per_node)
        return env

    def _job_name(self, action: str, config: str) -> str:
        return re.sub(r'[^\w.-]', '_', f'{action}-{osp.splitext(osp.basename(config))[0]}')

    def train_command(self, config: str, work_dir: str, options: list[str]) -> list[str]:
        """Train ``config`` into ``work_dir``; ``options`` go to tools/train.py."""
        if self.kind == 'torchrun':
            return ['bash', osp.join(self.tools_dir, 'dist_train.sh'), config, str(self.gpus), '--work-dir', work_dir,
                    *options]
        return ['bash', osp.join(self.tools_dir, 'slurm_train.sh'), self.partition, self._job_name('train', config),
                config, work_dir, *options]

    def test_command(self, config: str, checkpoint: str, work_dir: str, options: list[str]) -> list[str]:
        """Evaluate ``checkpoint`` with ``config``'s test set and evaluator; logs and metrics go to ``work_dir``."""
        if self.kind == 'torchrun':
            return ['bash', osp.join(self.tools_dir, 'dist_test.sh'), config, checkpoint, str(self.gpus),
                    '--work-dir', work_dir, *options]
        return ['bash', osp.join(self.tools_dir, 'slurm_test.sh'), self.partition, self._job_name('test', config),
                config, checkpoint, '--work-dir', work_dir, *options]
