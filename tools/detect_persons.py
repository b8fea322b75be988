"""Person detections of any MMDetection 3.x detector on a COCO-style dataset's images, written as the detections
file (``bbox_file``) that the test configs read, so that a model can be evaluated on your own detector's boxes.
"""
import argparse
import sys

import torch

from mspn_plugin.apis import PersonDetector, detect_persons
from mspn_plugin.utils.cli import exit_status

EXAMPLES = '''example (COCO val2017 laid out as the configs expect it, under data/coco; the checkpoint from
MMDetection's model zoo, a file or its URL):
  python tools/detect_persons.py demo/mmdetection_cfg/rtmdet_tiny_8xb32-300e_coco.py \\
      rtmdet_tiny_8xb32-300e_coco_20220902_112414-78e30dcc.pth \\
      data/coco/annotations/person_keypoints_val2017.json data/coco/val2017 --out work_dirs/rtmdet_tiny_val2017.json
'''


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('det_config', help='MMDetection 3.x detector config')
    parser.add_argument('det_checkpoint', help='detector checkpoint: a file or an http(s) URL (downloaded once)')
    parser.add_argument('ann_file', help='COCO json whose images (id, file_name) are to be detected')
    parser.add_argument('image_dir', help='folder the file names of ANN_FILE are relative to')
    parser.add_argument('--out', required=True, help='detections file to write (COCO results json)')
    parser.add_argument('--score-thr', type=float, default=0.0,
                        help='minimum box score (default 0: every box the detector keeps after its own test_cfg)')
    parser.add_argument('--det-cat-id', type=int, default=0, help='the detector\'s person label (COCO models: 0)')
    parser.add_argument('--device', default='cuda:0' if torch.cuda.is_available() else 'cpu')
    args = parser.parse_args(argv)

    def run() -> None:
        detector = PersonDetector(args.det_config, args.det_checkpoint, args.device, args.score_thr, args.det_cat_id)
        summary = detect_persons(detector, args.ann_file, args.image_dir, args.out)
        print(f'{summary["detections"]} person boxes in {summary["images"] - len(summary["skipped"])} of '
              f'{summary["images"]} images written to {args.out}')
        for name, reason in summary['skipped'].items():
            print(f'skipped {name}: {reason}')

    return exit_status(run, args.det_config)


if __name__ == '__main__':
    sys.exit(main())
