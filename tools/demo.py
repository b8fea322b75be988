"""Run an MSPN model top-down on the bundled COCO sample images with the bundled person detections.

Without --checkpoint the model keeps its initial (random) weights: this shows the wiring end to end
(boxes in, poses and drawings out), not accuracy.

Usage:
    python tools/demo.py [--config CONFIG] [--checkpoint CKPT] [--work-dir DIR]
"""
import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

import mmcv
import numpy as np
from mmengine.registry import init_default_scope
from mmpose.apis import inference_topdown, init_model
from mmpose.registry import VISUALIZERS
from mmpose.structures import merge_data_samples

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / 'tests/data/coco'


def person_boxes(det_file: Path, score_thr: float) -> dict[int, np.ndarray]:
    """COCO-results detections grouped by image id, as (N, 5) xyxy + score."""
    boxes = defaultdict(list)
    for det in json.loads(det_file.read_text()):
        if det.get('category_id', 1) == 1 and det['score'] >= score_thr:
            x, y, w, h = det['bbox']
            boxes[det['image_id']].append([x, y, x + w, y + h, det['score']])
    return {k: np.array(v, dtype=np.float32) for k, v in boxes.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--config', default=str(ROOT / 'configs/coco/mspn_2xres50_coco-256x192.py'))
    parser.add_argument('--checkpoint', default=None)
    parser.add_argument('--work-dir', default=str(ROOT / 'work_dirs/demo'))
    parser.add_argument('--det-score-thr', type=float, default=0.5)
    args = parser.parse_args()

    out_dir = Path(args.work_dir)
    (out_dir / 'vis').mkdir(parents=True, exist_ok=True)
    init_default_scope('mmpose')
    model = init_model(args.config, args.checkpoint, device='cpu')
    print(f'model: {args.config} ({"weights " + args.checkpoint if args.checkpoint else "random weights"})')
    visualizer = VISUALIZERS.build(dict(type='Numpy2PoseLocalVisualizer', name='mspn_demo', radius=3, line_width=1))
    visualizer.set_dataset_meta(model.dataset_meta)

    images = {img['id']: img['file_name'] for img in json.loads((SAMPLES / 'test_coco.json').read_text())['images']}
    boxes = person_boxes(SAMPLES / 'test_coco_det_AP_H_56.json', args.det_score_thr)
    results = []
    for image_id, file_name in sorted(images.items()):
        image_boxes = boxes.get(image_id, np.zeros((0, 5), np.float32))
        start = time.perf_counter()
        samples = inference_topdown(model, str(SAMPLES / file_name), image_boxes[:, :4]) if len(image_boxes) else []
        print(f'{file_name}: {len(image_boxes)} persons in {time.perf_counter() - start:.2f} s')
        for sample, box in zip(samples, image_boxes, strict=True):
            pred = sample.pred_instances
            keypoints = np.concatenate([pred.keypoints[0], pred.keypoint_scores[0][:, None]], axis=1)
            results.append(dict(image_id=image_id, category_id=1, keypoints=keypoints.ravel().tolist(),
                                score=float(box[4] * pred.keypoint_scores[0].mean()),
                                bbox=[float(v) for v in box[:4]]))
        if samples:
            image = mmcv.imread(str(SAMPLES / file_name), channel_order='rgb')
            visualizer.add_datasample('pose', image, merge_data_samples(samples), draw_gt=False,
                                      out_file=str(out_dir / 'vis' / file_name))
    (out_dir / 'predictions.json').write_text(json.dumps(results))
    print(f'wrote {len(results)} poses to {out_dir / "predictions.json"} and drawings to {out_dir / "vis"}')


if __name__ == '__main__':
    main()
