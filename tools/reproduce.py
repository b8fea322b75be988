"""Reproduce paper tables in one command: train and evaluate each row's config in turn through torchrun or Slurm,
then write a report (Markdown, JSON and a Figure-1-style PNG) comparing the measured figures with the published ones.
"""
import argparse
import os.path as osp
import sys

from mspn_plugin.reproduction import Launcher, load_tables, reproduce_tables
from mspn_plugin.utils.cli import exit_status

TOOLS = osp.dirname(osp.abspath(__file__))
PAPER_TABLES = osp.join(TOOLS, '..', 'configs', 'paper_tables.yml')
EXAMPLES = '''examples:
  python tools/reproduce.py table2 --data-root /data --out-dir work_dirs/table2 --launcher torchrun --gpus 8
  python tools/reproduce.py table4 table5 --out-dir work_dirs/ablations --launcher slurm --partition gpu --gpus 16 \\
      --gpus-per-node 8
  python tools/reproduce.py coco --rows "4 stages 384x288" --out-dir work_dirs/coco --launcher torchrun --gpus 4
  python tools/reproduce.py --list
The configs keep the authors' number of images at any GPU count (auto_scale_iters); --data-root DIR replaces the
configs' data/ (DIR/coco, DIR/mpii as MMPose lays them out).
'''


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('tables', nargs='*', help='tables to reproduce (all: every table); see --list')
    parser.add_argument('--list', action='store_true', help='list the tables and their rows, run nothing')
    parser.add_argument('--tables-file', default=PAPER_TABLES, help='the tables (default: configs/paper_tables.yml)')
    parser.add_argument('--rows', nargs='+', help='only these rows (NAME or TABLE/NAME)')
    parser.add_argument('--out-dir', help='work dirs, logs, state and the report')
    parser.add_argument('--data-root', default='data', help='folder holding coco/ and mpii/ (default: data)')
    parser.add_argument('--launcher', choices=['torchrun', 'slurm'], default='torchrun')
    parser.add_argument('--gpus', type=int, default=8, help='GPUs (processes) a run uses (default 8)')
    parser.add_argument('--port', type=int, default=29500, help='rendezvous port (default 29500)')
    parser.add_argument('--partition', help='Slurm partition')
    parser.add_argument('--gpus-per-node', type=int, help='Slurm: GPUs a node (default: min(GPUS, 8); 0: CPUs only)')
    parser.add_argument('--cpus-per-task', type=int, default=5, help='Slurm: cores a task (default 5)')
    parser.add_argument('--srun-args', default='', help='Slurm: more srun options')
    parser.add_argument('--cfg-options', nargs='+', default=[], metavar='KEY=VALUE',
                        help='overrides for every config (as tools/train.py and tools/test.py take them)')
    args = parser.parse_args(argv)

    def run() -> None:
        if args.list:
            for name, table in load_tables(args.tables_file).items():
                print(f'{name}: {table.title}')
                for row in table.rows:
                    print(f'  {row.name}: {row.paper} ({osp.basename(row.config)})')
            return
        if not args.tables or not args.out_dir:
            parser.error('give the tables to reproduce and --out-dir')
        launcher = Launcher(args.launcher, args.gpus, TOOLS, port=args.port, partition=args.partition,
                            gpus_per_node=args.gpus_per_node, cpus_per_task=args.cpus_per_task,
                            srun_args=args.srun_args)
        result = reproduce_tables(args.tables_file, args.tables, args.out_dir, launcher, args.data_root, args.rows,
                                  args.cfg_options, say=lambda message: print(message, flush=True))
        if result['failed']:
            raise SystemExit(1)

    return exit_status(run, args.tables_file)


if __name__ == '__main__':
    sys.exit(main())
