"""Paths the tests share."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / 'tools'
DATA = ROOT / 'tests/data'
SAMPLES = DATA / 'coco'  # 4 COCO val2017 images, their annotations and person detections
SAMPLE_ANNOTATIONS = SAMPLES / 'test_coco.json'
SAMPLE_DETECTIONS = SAMPLES / 'test_coco_det_AP_H_56.json'
MPII_SAMPLES = DATA / 'mpii'
TINY = DATA / 'configs/mspn_tiny_coco.py'  # a tiny MSPN that trains in seconds (tests of the tools)
TINY_RANK_PARAMS = DATA / 'configs/mspn_tiny_coco_rank_params.py'  # 8 iterations, each rank saves its parameters
SAMPLE_CONFIG = ROOT / 'configs/sample/mspn_sample.py'  # the demo's model
DETECTOR_CONFIG = ROOT / 'configs/detectors/rtmdet_tiny_person.py'
