"""Check COCO-format keypoint annotations against a dataset's metainfo before training on them.

Usage:
    python tools/check_annotations.py ANN_FILE --img-dir DIR --metainfo FILE [--workers N]
    python tools/check_annotations.py --config CONFIG [--workers N]
"""
import argparse
import sys

from mmengine.config import Config

from mspn_plugin.datasets.annotation_check import (
    check_annotations,
    metainfo_num_keypoints,
    report_defects,
    require_clean_annotations,
)
from mspn_plugin.utils.cli import exit_status

EXAMPLES = '''examples:
  python tools/check_annotations.py data/mine/annotations/train.json --img-dir data/mine/images/ \\
      --metainfo configs/_base_/data/my_keypoints_metainfo.py
  python tools/check_annotations.py --config configs/body_2d_keypoint/topdown_heatmap/crowdpose/CONFIG.py
Checks: keypoint count = the metainfo's, visibility flags in {0, 1, 2}, boxes inside their image, every image
present and decodable. Each defect is printed on its own line, then a summary; exit status 1 on any defect.
'''


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description='Check keypoint annotations against a metainfo.', epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('ann_file', nargs='?', help='COCO-format keypoint annotation JSON')
    parser.add_argument('--img-dir', help='folder the annotation file names are relative to')
    parser.add_argument('--metainfo', help='MMPose metainfo file (dataset_info = dict(keypoint_info=...))')
    parser.add_argument('--config', help='check the train and val annotation files of this config instead')
    parser.add_argument('--workers', type=int, default=2, help='processes decoding images (default 2)')
    args = parser.parse_args(argv)
    if bool(args.config) == bool(args.ann_file) or (args.ann_file and not (args.img_dir and args.metainfo)):
        parser.error('give either ANN_FILE with --img-dir and --metainfo, or --config')

    def check() -> None:
        if args.config:
            require_clean_annotations(Config.fromfile(args.config), args.workers)
            return
        report_defects([check_annotations(args.ann_file, args.img_dir, metainfo_num_keypoints(args.metainfo),
                                          args.workers)])

    return exit_status(check, args.config)


if __name__ == '__main__':
    sys.exit(main())
