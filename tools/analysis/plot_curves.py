"""Plot training curves from one or more work directories (their vis_data/scalars.json): total, per-stage and
per-scale losses, learning rate and validation metrics over iterations, the runs overlaid, as PNG files in
OUT_DIR."""
import argparse
import os

from mspn_plugin.utils.cli import exit_status
from mspn_plugin.visualization import plot_training_curves, read_run

EXAMPLES = '''examples:
  python tools/analysis/plot_curves.py work_dirs/demo --out-dir curves
  python tools/analysis/plot_curves.py work_dirs/lr5e-4 work_dirs/lr1e-3 --labels "5e-4" "1e-3" --out-dir curves
'''


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('work_dirs', nargs='+', help='MMEngine work directories (or scalars.json files)')
    parser.add_argument('--out-dir', required=True)
    parser.add_argument('--labels', nargs='+', help='one legend label per work directory (default: their names)')
    args = parser.parse_args(argv)
    if args.labels and len(args.labels) != len(args.work_dirs):
        parser.error(f'{len(args.labels)} labels for {len(args.work_dirs)} work directories')

    def plot() -> None:
        labels = args.labels or [None] * len(args.work_dirs)
        if not args.labels and len({os.path.basename(os.path.normpath(d)) for d in args.work_dirs}) < len(labels):
            labels = args.work_dirs  # folders of the same name: their paths tell the runs apart
        runs = [read_run(work_dir, label) for work_dir, label in zip(args.work_dirs, labels, strict=True)]
        for path in plot_training_curves(runs, args.out_dir):
            print(path)

    return exit_status(plot)


if __name__ == '__main__':
    raise SystemExit(main())
