"""Paths the tests share."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / 'tools'
DATA = ROOT / 'tests/data'
RESOURCES = ROOT / 'demo/resources'  # the sample data of the demo and the sample config (see its README)
SAMPLES = RESOURCES / 'coco'  # 4 COCO val2017 images, their annotations and person detections
SAMPLE_ANNOTATIONS = SAMPLES / 'test_coco.json'
SAMPLE_DETECTIONS = SAMPLES / 'test_coco_det_AP_H_56.json'
MPII_SAMPLES = RESOURCES / 'mpii'
COCO_CONFIGS = ROOT / 'configs/body_2d_keypoint/topdown_heatmap/coco'
MPII_CONFIGS = ROOT / 'configs/body_2d_keypoint/topdown_heatmap/mpii'
COCO_2XMSPN50 = COCO_CONFIGS / 'td-hm_2xmspn50_8xb32-96k_coco-256x192.py'  # the recipe the COCO configs inherit
MPII_4XMSPN50 = MPII_CONFIGS / 'td-hm_4xmspn50_8xb32-28.8k_mpii-256x256.py'
SAMPLE_CONFIG = COCO_CONFIGS / 'td-hm_2xmspn18-half_1xb12-400it_coco-sample-128x96.py'  # the demo's model
TINY = DATA / 'configs/mspn_tiny_coco.py'  # a tiny MSPN that trains in seconds (tests of the tools)
TINY_RANK_PARAMS = DATA / 'configs/mspn_tiny_coco_rank_params.py'  # 8 iterations, each rank saves its parameters
DETECTOR_CONFIG = ROOT / 'demo/mmdetection_cfg/rtmdet_tiny_8xb32-300e_coco.py'
