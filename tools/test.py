"""Evaluate a checkpoint on a config's test set with MMEngine's runner (flip test as the config says)."""
import sys

from mspn_plugin.engine import build_runner, prepare_config
from mspn_plugin.utils.cli import exit_status, runner_parser

EXAMPLES = '''examples:
  python tools/test.py \\
      configs/body_2d_keypoint/topdown_heatmap/coco/td-hm_2xmspn18-half_1xb12-400it_coco-sample-128x96.py \\
      work_dirs/demo/iter_400.pth
  python tools/test.py CONFIG CKPT --cfg-options test_dataloader.dataset.bbox_file=None   # ground-truth boxes
  python tools/test.py CONFIG CKPT --cfg-options test_evaluator.nms_mode=none            # no OKS-NMS
'''


def main(argv: list[str] | None = None) -> int:
    parser = runner_parser('Test a pose model.', EXAMPLES)
    parser.add_argument('checkpoint', help='checkpoint file')
    args = parser.parse_args(argv)
    return exit_status(lambda: build_runner(
        prepare_config(args.config, args.work_dir, args.cfg_options, args.launcher),
        load_from=args.checkpoint).test(), args.config)


if __name__ == '__main__':
    sys.exit(main())
