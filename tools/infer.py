"""Top-down pose estimation on an image, a folder of images, an image list (.txt, one path a line), a video, or a
live source (a camera index or a stream URL).

Person boxes come from an MMDetection detector (--det-config/--det-checkpoint) or from a COCO-results json of
detections (--bboxes); duplicate detections of a person are removed (box NMS, then OKS-NMS). In a video, poses get
track ids (optionally smoothed). Writes OUT_DIR/predictions.json (COCO keypoint results), OUT_DIR/tracks.json
(tracked inputs), drawings under OUT_DIR/vis/ and, with --save-heatmaps, every stage's heatmaps under
OUT_DIR/heatmaps/. With --launcher pytorch (tools/dist_infer.sh), every process
takes its share of the input and the first one merges the results.
"""
import argparse
import json
import os
import sys

import torch
import torch.distributed as dist

from mspn_plugin.apis import (
    BOX_NMS_THR,
    OKS_NMS_THR,
    PersonDetector,
    PosePredictor,
    SmoothingConfig,
    TrackingConfig,
    run_topdown_inference,
)
from mspn_plugin.datasets import DetectionFile
from mspn_plugin.engine import init_gloo_process_group
from mspn_plugin.utils.cli import exit_status

# how long a process waits for the others at the end (their shares can take longer than torch's default 30 min)
BARRIER_TIMEOUT_S = 24 * 3600

EXAMPLES = '''examples:
  python tools/infer.py \\
      configs/body_2d_keypoint/topdown_heatmap/coco/td-hm_2xmspn18-half_1xb12-400it_coco-sample-128x96.py \\
      work_dirs/demo/iter_400.pth demo/resources/coco --out-dir out \\
      --bboxes demo/resources/coco/test_coco_det_AP_H_56.json
  python tools/infer.py POSE_CFG POSE_CKPT video.mp4 --out-dir out \\
      --det-config demo/mmdetection_cfg/rtmdet_tiny_8xb32-300e_coco.py --det-checkpoint rtmdet_tiny.pth
  python tools/infer.py POSE_CFG POSE_CKPT images.txt --out-dir out --bboxes dets.json   # an image list
  python tools/infer.py POSE_CFG POSE_CKPT 0 --out-dir out --det-config C --det-checkpoint K --show   # camera 0
  python tools/infer.py POSE_CFG POSE_CKPT frames/ --out-dir out --bboxes dets.json --track --smooth
  bash tools/dist_infer.sh POSE_CFG POSE_CKPT images.txt 4 --out-dir out --bboxes dets.json   # 4 processes
'''


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('pose_config')
    parser.add_argument('pose_checkpoint')
    parser.add_argument('input', help='an image, a folder of images, a .txt list of image paths (relative to '
                        'its folder), a video, a camera index (0) or a stream URL (rtsp://..., http://...)')
    parser.add_argument('--out-dir', required=True)
    boxes = parser.add_mutually_exclusive_group(required=True)
    boxes.add_argument('--bboxes', help='COCO-results json of person detections')
    boxes.add_argument('--det-config', help='MMDetection 3.x detector config')
    parser.add_argument('--det-checkpoint', help='detector checkpoint (with --det-config)')
    parser.add_argument('--det-score-thr', type=float, default=0.3, help='minimum person box score')
    parser.add_argument('--det-cat-id', type=int, default=None,
                        help='person class: detector label (default 0) or json category_id (default 1)')
    parser.add_argument('--images-json', help='COCO json whose images map the detections\' image_id to file names')
    parser.add_argument('--no-flip', action='store_true', help='disable the flip test')
    parser.add_argument('--no-vis', action='store_true', help='do not draw')
    parser.add_argument('--save-heatmaps', action='store_true', help='write each person\'s heatmaps of every stage '
                        'to OUT_DIR/heatmaps/<image name without extension>.npz (heatmaps: people x stages x '
                        'keypoints x H x W, with input_center, input_scale, input_size mapping them to the image)')
    parser.add_argument('--show', action='store_true', help='also show the drawings in a window (if a display '
                        'exists; q or Esc stops a live source)')
    parser.add_argument('--device', default=None, help='default: the GPU when there is one (with a launcher: the '
                        'process\'s local GPU), else the CPU')
    parser.add_argument('--launcher', choices=['none', 'pytorch'], default='none',
                        help='pytorch: one of torchrun\'s processes (tools/dist_infer.sh), which share the input')
    duplicates = parser.add_argument_group('duplicate detections of a person (tools/test.py keeps them: '
                                           '--no-box-nms --no-oks-nms gives its poses)')
    duplicates.add_argument('--box-nms-thr', type=float, default=BOX_NMS_THR,
                            help='box IoU above which the lower-scored box is dropped (default: %(default)s)')
    duplicates.add_argument('--no-box-nms', action='store_true', help='keep overlapping boxes')
    duplicates.add_argument('--oks-nms-thr', type=float, default=OKS_NMS_THR,
                            help='OKS above which the lower-scored pose is dropped (default: %(default)s)')
    duplicates.add_argument('--no-oks-nms', action='store_true', help='keep overlapping poses')
    video = parser.add_argument_group('tracking and smoothing (videos, live sources, frames with --track)')
    tracking, smoothing = TrackingConfig(), SmoothingConfig()
    video.add_argument('--track', action=argparse.BooleanOptionalAction, default=None,
                       help='give poses track ids (default: for a video or live source, not for images)')
    video.add_argument('--track-by', choices=['oks', 'iou'], default=tracking.match,
                       help='match poses by keypoint OKS (box IoU as the fallback) or by box IoU only')
    video.add_argument('--track-oks-thr', type=float, default=tracking.oks_thr, help='default: %(default)s')
    video.add_argument('--track-iou-thr', type=float, default=tracking.iou_thr, help='default: %(default)s')
    video.add_argument('--track-max-missing', type=int, default=tracking.max_missing,
                       help='frames a person may go undetected and keep its id (default: %(default)s)')
    video.add_argument('--smooth', action='store_true', help='One-Euro filter the tracked keypoints (the network\'s '
                       'stay in raw_keypoints)')
    video.add_argument('--smooth-min-cutoff', type=float, default=smoothing.min_cutoff,
                       help='cut-off (Hz) for a still keypoint: lower, less jitter (default: %(default)s)')
    video.add_argument('--smooth-beta', type=float, default=smoothing.beta,
                       help='cut-off growth with speed (1/pixel): higher, less lag (default: %(default)s)')
    video.add_argument('--smooth-d-cutoff', type=float, default=smoothing.d_cutoff,
                       help='cut-off (Hz) of the speed estimate (default: %(default)s)')
    args = parser.parse_args(argv)
    if args.det_config and not args.det_checkpoint:
        parser.error('--det-config needs --det-checkpoint (a detector with random weights is never used)')
    return args


def run(args: argparse.Namespace) -> None:
    device = args.device
    if args.launcher != 'none':
        init_gloo_process_group(args.launcher, BARRIER_TIMEOUT_S)  # (gloo also on GPUs: only a barrier is needed)
        if device is None and torch.cuda.is_available():
            device = f'cuda:{os.environ.get("LOCAL_RANK", 0)}'
    estimator = PosePredictor(args.pose_config, args.pose_checkpoint, device, flip=not args.no_flip,
                              box_nms_thr=None if args.no_box_nms else args.box_nms_thr,
                              oks_nms_thr=None if args.no_oks_nms else args.oks_nms_thr,
                              stage_heatmaps=args.save_heatmaps)
    if args.bboxes:
        boxes = DetectionFile(args.bboxes, args.images_json, args.det_score_thr,
                              1 if args.det_cat_id is None else args.det_cat_id)
    else:
        boxes = PersonDetector(args.det_config, args.det_checkpoint, estimator.device, args.det_score_thr,
                               0 if args.det_cat_id is None else args.det_cat_id)
    tracking = TrackingConfig(args.track_by, args.track_oks_thr, args.track_iou_thr, args.track_max_missing)
    smoothing = (SmoothingConfig(args.smooth_min_cutoff, args.smooth_beta, args.smooth_d_cutoff) if args.smooth
                 else None)
    summary = run_topdown_inference(estimator, boxes, args.input, args.out_dir, draw=not args.no_vis,
                                    track=args.track, tracking=tracking, smoothing=smoothing, show=args.show,
                                    save_heatmaps=args.save_heatmaps)
    if not dist.is_initialized() or dist.get_rank() == 0:
        print(json.dumps(summary, indent=1))
        if 'live' in summary:
            live = summary['live']
            print(f'live input: {live["received"]} frames received, {live["processed"]} processed, '
                  f'{live["dropped"]} dropped; latency {live["latency_median_s"]:.3f} s median, '
                  f'{live["latency_max_s"]:.3f} s max')
        print(f'predictions: {args.out_dir}/predictions.json' + (
            f', tracks: {args.out_dir}/tracks.json' if 'tracks' in summary else ''))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return exit_status(lambda: run(args), args.pose_config)


if __name__ == '__main__':
    sys.exit(main())
