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
    completed = False
    try:
        run()
        completed = True
    except Exception as error:
        message = input_error_message(error, config)
        if message is None:
            raise
        print(f'error: {message}', file=sys.stderr)
        return 1
    finally:
        _end_process_group(completed)
    return 0


def _end_process_group(completed: bool) -> None:
    """Destroy the default process group (if any) before the interpreter's shutdown does: a gloo group left to it can
    abort the process ("terminate called without an active exception"), and srun then cancels the other tasks. After
    a completed run the ranks first meet at a barrier, so that none closes its connections while another still
    reads from them (after a failure a barrier could wait forever)."""
    if not (dist.is_available() and dist.is_initialized()):
        return
    if completed:
        dist.barrier()
    dist.destroy_process_group()
