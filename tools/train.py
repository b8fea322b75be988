"""Train a model from a config with MMEngine's runner."""
import sys

from mspn_plugin.datasets.annotation_check import require_clean_annotations
from mspn_plugin.engine import build_runner, prepare_config, resume_on_restart
from mspn_plugin.utils.cli import exit_status, runner_parser

EXAMPLES = '''examples (COCO=configs/body_2d_keypoint/topdown_heatmap/coco):
  python tools/train.py $COCO/td-hm_2xmspn18-half_1xb12-400it_coco-sample-128x96.py
  python tools/train.py $COCO/td-hm_2xmspn50_8xb32-96k_coco-256x192.py --amp \\
      --cfg-options train_dataloader.batch_size=16
  python tools/train.py $COCO/td-hm_2xmspn18-half_1xb12-400it_coco-sample-128x96.py --resume  # latest in the work dir
  python tools/train.py $COCO/td-hm_2xmspn50_8xb32-96k_coco-256x192.py --auto-scale-lr  # lr for GPUs x batch size
Under torchrun (tools/dist_train.sh), a restarted worker group (MAX_RESTARTS) resumes by itself from the last
complete checkpoint in the work dir.
'''


def main(argv: list[str] | None = None) -> int:
    parser = runner_parser('Train a pose model.', EXAMPLES)
    parser.add_argument('--resume', nargs='?', const=True, default=False, metavar='CKPT',
                        help='resume from CKPT, or from the latest checkpoint in the work dir if none is given')
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision (float16 on a GPU, bfloat16 autocast on CPU)')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the learning rate by the total batch (GPUs x batch size) over the config\'s '
                             'auto_scale_lr.base_batch_size')
    parser.add_argument('--check-annotations', action='store_true',
                        help='first check the train/val annotation files against their metainfo (as '
                             'tools/check_annotations.py does) and stop on any defect')
    args = parser.parse_args(argv)

    def train() -> None:
        cfg = prepare_config(args.config, args.work_dir, args.cfg_options, args.launcher, args.amp,
                             args.auto_scale_lr)
        if args.check_annotations:
            require_clean_annotations(cfg)
        build_runner(cfg, resume=resume_on_restart(args.resume, cfg.work_dir)).train()

    return exit_status(train, args.config)


if __name__ == '__main__':
    sys.exit(main())
