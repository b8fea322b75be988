"""Command-line plumbing shared by the tools: the arguments of every runner-based tool, and how a tool reports a
bad input file (one line, exit status 1)."""
import argparse
import sys
from collections.abc import Callable

import torch.distributed as dist
from mmengine.config import DictAction

from mspn_plugin.utils.errors import input_error_message


def runner_parser(description: str, epilog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description, epilog=epilog,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='config file')
    parser.add_argument('--work-dir', help='where logs and checkpoints go (default: work_dirs/<config name>)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default=None,
                        help='override config entries, e.g. train_dataloader.batch_size=8')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none',
                        help='job launcher (dist_train.sh / dist_test.sh use pytorch)')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0, help=argparse.SUPPRESS)
    return parser


def exit_status(run: Callable[[], object], config: str | None = None) -> int:
    """Run ``run``; 0 when it completes, 1 with ``error: <file>: <problem>`` on stderr (no traceback) when an input
    file is bad (:func:`~mspn_plugin.utils.errors.input_error_message`). Other errors propagate."""
    try:
        run()
    except Exception as error:
        message = input_error_message(error, config)
        if message is None:
            raise
        print(f'error: {message}', file=sys.stderr)
        return 1
    finally:
        # a gloo process group left to the interpreter's shutdown can abort the process ("terminate called without
        # an active exception"), and srun then cancels the job's other tasks
        if dist.is_available() and dist.is_initialized():
            dist.destroy_process_group()
    return 0
