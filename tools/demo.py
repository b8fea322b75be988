"""The main job: train the sample MSPN on the bundled COCO images, evaluate it, draw its predictions.

1. trains ``configs/body_2d_keypoint/topdown_heatmap/coco/td-hm_2xmspn18-half_1xb12-400it_coco-sample-128x96.py``
   from scratch (progress every 10 iterations),
2. evaluates the final checkpoint with COCO AP on ground-truth boxes and on the bundled person detections
   (flip test, the paper's decoding, pose score = box score x mean keypoint score),
3. runs it top-down on the sample images with the detections, as tools/infer.py does (duplicate detections of a
   person removed: one pose per person; predictions.json scored with xtcocotools, as step 2 scores), and draws the
   skeletons.
"""
import argparse
import os.path as osp
from pathlib import Path

from mmengine.config import DictAction

from mspn_plugin.apis import PosePredictor, run_topdown_inference
from mspn_plugin.datasets import DetectionFile
from mspn_plugin.engine import build_runner, prepare_config
from mspn_plugin.evaluation import coco_keypoint_ap

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / 'configs/body_2d_keypoint/topdown_heatmap/coco/td-hm_2xmspn18-half_1xb12-400it_coco-sample-128x96.py'
SAMPLES = ROOT / 'demo/resources/coco'
DETECTIONS = SAMPLES / 'test_coco_det_AP_H_56.json'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--work-dir', default=str(ROOT / 'work_dirs/demo'))
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default=None)
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

    print('[demo] 3/3 top-down inference on the sample images with the detections', flush=True)
    infer_dir = Path(work_dir) / 'inference'
    estimator = PosePredictor(str(CONFIG), checkpoint)
    summary = run_topdown_inference(estimator, DetectionFile(str(DETECTIONS), score_thr=0.0), str(SAMPLES),
                                    str(infer_dir))
    infer_ap = coco_keypoint_ap(str(infer_dir / 'predictions.json'), str(SAMPLES / 'test_coco.json'),
                                estimator.model.dataset_meta['sigmas'])

    print(f'\n[demo] COCO AP on the sample images, ground-truth boxes: {gt_metrics["coco/AP"]:.3f}')
    print(f'[demo] COCO AP on the sample images, bundled detections:  {det_metrics["coco/AP"]:.3f}')
    print(f'[demo] COCO AP of the inference predictions.json:        {infer_ap:.3f} (duplicates removed; '
          'step 2 keeps them, as the paper evaluates)')
    print(f'[demo] work directory: {work_dir}')
    print(f'[demo]   checkpoint: {checkpoint}')
    print(f'[demo]   logs:       {work_dir}/<timestamp>/ (log file and vis_data/scalars.json)')
    print(f'[demo]   poses:      {infer_dir}/predictions.json ({summary["poses"]} poses)')
    print(f'[demo]   drawings:   {infer_dir}/vis/ ({summary["processed"]} images)')


if __name__ == '__main__':
    main()
