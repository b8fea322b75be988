"""Draw augmented samples of a config's dataset through its real pipeline: each crop with its keypoints and skeleton,
next to the target heatmaps of every stage and scale that supervise it (coarse-to-fine kernels side by side), as PNG
files in OUT_DIR."""
import argparse

from mmengine.config import Config, DictAction

from mspn_plugin.utils.cli import exit_status
from mspn_plugin.utils.registry_scope import enter_config_scope
from mspn_plugin.visualization import draw_dataset_samples

EXAMPLES = '''examples:
  python tools/analysis/browse_dataset.py \\
      configs/body_2d_keypoint/topdown_heatmap/coco/td-hm_2xmspn18-half_1xb12-400it_coco-sample-128x96.py \\
      --out-dir browse --num 4
  python tools/analysis/browse_dataset.py CONFIG --out-dir browse --split val   # crops as the test sees them
'''


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('--out-dir', required=True)
    parser.add_argument('--split', choices=['train', 'val', 'test'], default='train',
                        help='whose dataloader\'s dataset and pipeline (default: %(default)s)')
    parser.add_argument('--num', type=int, default=8, help='samples to draw (default: %(default)s)')
    parser.add_argument('--seed', type=int, default=0, help='picks the samples and the augmentation')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default=None,
                        help='override config entries, e.g. train_dataloader.dataset.data_root=data/coco/')
    args = parser.parse_args(argv)

    def draw() -> None:
        cfg = Config.fromfile(args.config)
        if args.cfg_options:
            cfg.merge_from_dict(args.cfg_options)
        enter_config_scope(cfg)
        for path in draw_dataset_samples(cfg, args.out_dir, args.split, args.num, args.seed):
            print(path)

    return exit_status(draw, args.config)


if __name__ == '__main__':
    raise SystemExit(main())
