"""Ground truth encoded and decoded by our codec scores (almost) perfectly with MMPose's CocoMetric."""
import pytest
from mmengine.config import Config

from helpers.paths import COCO_2XMSPN50, ROOT, SAMPLES
from mspn_plugin.evaluation import codec_round_trip_metrics


def sample_test_config(config: str) -> Config:
    cfg = Config.fromfile(str(ROOT / config))
    cfg.merge_from_dict({
        'test_dataloader.dataset.data_root': str(SAMPLES),
        'test_dataloader.dataset.ann_file': 'test_coco.json',
        'test_dataloader.dataset.bbox_file': None,
        'test_dataloader.dataset.data_prefix': dict(img=''),
        'test_evaluator.ann_file': str(SAMPLES / 'test_coco.json'),
    })
    for step in cfg.test_dataloader.dataset.pipeline:
        if step['type'] == 'PackPoseInputs':
            step['pack_transformed'] = True
        if step['type'] == 'GetBBoxCenterScale':
            # a box with room around the person (the authors' test box is tight on ground-truth boxes and leaves
            # a few joints outside the crop, where no target can be encoded): this measures the codec alone
            step['padding'] = 1.25
    return cfg


@pytest.mark.parametrize('kernel', [5, 7, 11, 15])
def test_round_trip_at_256x192_scores_ap_099(kernel):
    metrics = codec_round_trip_metrics(sample_test_config(COCO_2XMSPN50), kernel)
    assert metrics['coco/AP'] >= 0.99


def test_round_trip_needs_transformed_keypoints():
    cfg = sample_test_config(COCO_2XMSPN50)
    for step in cfg.test_dataloader.dataset.pipeline:
        step.pop('pack_transformed', None)
    with pytest.raises(KeyError, match='pack_transformed'):
        codec_round_trip_metrics(cfg)
