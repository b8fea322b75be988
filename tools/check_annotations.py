"""Check the annotation files of a config (or the one given) against the dataset's metainfo before training: keypoint
counts, visibility flags in {0, 1, 2}, boxes inside their image, images that exist and decode (read in parallel).
Prints every bad item and a summary per file; exit status 1 when anything is wrong."""
import argparse
import sys

from mmengine.config import Config, DictAction

from mspn_plugin.engine.config_annotations import check_config_annotations
from mspn_plugin.engine.keypoint_count import SPLITS

EXAMPLES = '''examples (COCO=configs/body_2d_keypoint/topdown_heatmap/coco):
  python tools/check_annotations.py $COCO/td-hm_2xmspn50_8xb32-96k_coco-256x192.py --workers 8
  python tools/check_annotations.py my_config.py --splits train \\
      --cfg-options train_dataloader.dataset.ann_file=annotations/train.json
'''


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('--splits', nargs='+', choices=SPLITS, default=list(SPLITS))
    parser.add_argument('--workers', type=int, default=2, help='processes decoding the images')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default=None)
    args = parser.parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    reports = check_config_annotations(cfg, tuple(args.splits), args.workers)
    for report in reports:
        for defect in report.defects:
            print(defect)
        print(report.summary())
    if not reports:
        print(f'{args.config}: no annotation file with pose metainfo in {", ".join(args.splits)}')
        return 1
    return 1 if any(report.defects for report in reports) else 0


if __name__ == '__main__':
    sys.exit(main())
