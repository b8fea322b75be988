"""The main job: train the sample MSPN on the bundled COCO images, evaluate it, draw its predictions.

1. trains ``configs/sample/mspn_sample.py`` from scratch (progress every 10 iterations),
2. evaluates the final checkpoint with COCO AP on ground-truth boxes and on the bundled person detections
   (flip test, the paper's decoding, pose score = box score x mean keypoint score),
3. runs it top-down on the sample images with the detections and draws the skeletons.

Usage:
    python tools/demo.py [--work-dir DIR] [--cfg-options KEY=VALUE ...]
"""
import argparse
import json
import os.path as osp
from collections import defaultdict
from pathlib import Path

import mmcv
import numpy as np
import torch
from mmengine.config import DictAction
from mmpose.apis import inference_topdown, init_model
from mmpose.registry import VISUALIZERS
from mmpose.structures import merge_data_samples

from mspn_plugin.apis import build_runner, prepare_config

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / 'configs/sample/mspn_sample.py'
SAMPLES = ROOT / 'tests/data/coco'
DETECTIONS = SAMPLES / 'test_coco_det_AP_H_56.json'


def person_boxes(det_file: Path, score_thr: float) -> dict[int, np.ndarray]:
    """COCO-results person detections grouped by image id, as (N, 5) x1, y1, x2, y2, score."""
    boxes = defaultdict(list)
    for det in json.loads(det_file.read_text()):
        if det.get('category_id', 1) == 1 and det['score'] >= score_thr:
            x, y, w, h = det['bbox']
            boxes[det['image_id']].append([x, y, x + w, y + h, det['score']])
    return {k: np.array(v, dtype=np.float32) for k, v in boxes.items()}


def draw_predictions(checkpoint: str, out_dir: Path, score_thr: float) -> int:
    """Top-down inference on the sample images with the bundled detections; drawings in ``out_dir``."""
    device = 'cuda:0' if torch.cuda.is_available() else 'cpu'
    model = init_model(str(CONFIG), checkpoint, device=device)
    visualizer = VISUALIZERS.build(dict(type='Numpy2PoseLocalVisualizer', name='mspn_demo', radius=3,
                                        line_width=2, kpt_color=None))
    visualizer.set_dataset_meta(model.dataset_meta)
    out_dir.mkdir(parents=True, exist_ok=True)
    images = {img['id']: img['file_name'] for img in json.loads((SAMPLES / 'test_coco.json').read_text())['images']}
    boxes = person_boxes(DETECTIONS, score_thr)
    drawn = 0
    for image_id, file_name in sorted(images.items()):
        image_boxes = boxes.get(image_id)
        if image_boxes is None:
            continue
        samples = inference_topdown(model, str(SAMPLES / file_name), image_boxes[:, :4])
        image = mmcv.imread(str(SAMPLES / file_name), channel_order='rgb')
        visualizer.add_datasample('pose', image, merge_data_samples(samples), draw_gt=False, kpt_thr=0.8,
                                  out_file=str(out_dir / file_name))
        drawn += 1
    return drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--work-dir', default=str(ROOT / 'work_dirs/demo'))
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default=None)
    parser.add_argument('--det-score-thr', type=float, default=0.5, help='boxes drawn from the detections')
    args = parser.parse_args()
    work_dir = osp.abspath(args.work_dir)

    print(f'[demo] 1/3 training {CONFIG.relative_to(ROOT)} from scratch in {work_dir}', flush=True)
    cfg = prepare_config(str(CONFIG), work_dir, args.cfg_options)
    runner = build_runner(cfg)
    runner.train()
    checkpoint = osp.join(work_dir, f'iter_{runner.iter}.pth')

    print('[demo] 2/3 evaluating the final checkpoint', flush=True)
    gt_metrics = runner.test()
    det_cfg = prepare_config(str(CONFIG), osp.join(work_dir, 'test_detections'), dict(
        args.cfg_options or {}, **{'test_dataloader.dataset.bbox_file': str(DETECTIONS)}))
    det_metrics = build_runner(det_cfg, load_from=checkpoint).test()

    print('[demo] 3/3 drawing predictions on the sample images', flush=True)
    drawn = draw_predictions(checkpoint, Path(work_dir) / 'vis', args.det_score_thr)

    print(f'\n[demo] COCO AP on the sample images, ground-truth boxes: {gt_metrics["coco/AP"]:.3f}')
    print(f'[demo] COCO AP on the sample images, bundled detections:  {det_metrics["coco/AP"]:.3f}')
    print(f'[demo] work directory: {work_dir}')
    print(f'[demo]   checkpoint: {checkpoint}')
    print(f'[demo]   logs:       {work_dir}/<timestamp>/ (log file and vis_data/scalars.json)')
    print(f'[demo]   drawings:   {work_dir}/vis/ ({drawn} images)')


if __name__ == '__main__':
    main()
