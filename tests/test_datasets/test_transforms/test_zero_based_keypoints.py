"""MPII's 1-based joints and the 0-based images: the targets of the MPII recipe sit on the joints, and the PCKh
metric then scores predictions without a systematic offset."""
import json

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpose.registry import DATASETS, METRICS, TRANSFORMS

from helpers.paths import MPII_4XMSPN50, MPII_SAMPLES
from mspn_plugin.codecs import CoarseToFineHeatmap
from mspn_plugin.datasets.transforms import ZeroBasedKeypoints

PHASES = 16  # crop shifts across a heatmap cell (in x and y at once): the decoding's rounding averages out


def test_subtracts_the_first_pixel():
    results = ZeroBasedKeypoints()(dict(keypoints=np.array([[[1.0, 1.0], [10.5, 3.0]]], np.float32)))
    np.testing.assert_array_equal(results['keypoints'], [[[0.0, 0.0], [9.5, 2.0]]])
    assert results['keypoints'].dtype == np.float32


def learned_offsets(pipeline: list[dict], flip: bool) -> np.ndarray:
    """Per labelled joint of the MPII samples: the targets of ``pipeline`` (the config's training pipeline, its
    random steps left out but the flip, fixed on or off) encoded with the config's codec, decoded at its final
    kernel (maximum only: a ground-truth map is symmetric, so the quarter shift toward the second maximum would
    follow a tie), mapped back to the image the network was shown, minus where the joint is in that image (the
    1-based annotation - 1, mirrored on flipped images). Their mean is the offset that a network learns.

    Each crop is shifted by 0, 1, ..., PHASES - 1 PHASES-ths of a heatmap cell in x and y, so that the decoding's
    rounding to cell centres averages out (a rounding error depends on its own axis only).

    Returns (N, 2) offsets in image pixels."""
    init_default_scope('mmpose')
    codec_cfg = next(step['encoder'] for step in pipeline if step['type'] == 'GenerateTarget')
    decoder = CoarseToFineHeatmap(**{k: v for k, v in codec_cfg.items() if k not in ('type', 'shift')}, shift=0.0)
    level = decoder.level_of(5)
    steps = [TRANSFORMS.build(dict(step, prob=float(flip)) if step['type'] == 'RandomFlip' else step)
             for step in pipeline
             if step['type'] not in ('UpperLowerBodyCrop', 'UniformScaleRotation', 'PackPoseInputs')]
    crop_at = next(i for i, step in enumerate(steps) if type(step).__name__ == 'GetBBoxCenterScale') + 1
    dataset = DATASETS.build(dict(type='MpiiDataset', data_root=str(MPII_SAMPLES), ann_file='test_mpii.json',
                                  data_mode='topdown', data_prefix=dict(img=''), pipeline=[], serialize_data=False))
    annotations = json.loads((MPII_SAMPLES / 'test_mpii.json').read_text())
    offsets = []
    for index in range(len(dataset)):
        cropped = dataset.get_data_info(index)
        for step in steps[:crop_at]:  # read the image and place the box once
            cropped = step(cropped)
        truth = np.asarray(annotations[index]['joints'], np.float32) - 1  # 0-based pixels of the 1-based joints
        if flip:
            truth = truth[cropped['flip_indices']]
            truth[:, 0] = cropped['ori_shape'][1] - 1 - truth[:, 0]
        cell = decoder.scale_factor * cropped['bbox_scale'][0].max() / np.asarray(decoder.input_size)  # image px
        for phase in range(PHASES):
            results = dict(cropped, keypoints=cropped['keypoints'].copy(),
                           bbox_center=cropped['bbox_center'] + cell * phase / PHASES)
            for step in steps[crop_at:]:
                results = step(results)
            heatmaps = results['heatmaps'].reshape(-1, len(truth), *results['heatmaps'].shape[-2:])[level]
            decoded = decoder.decode(heatmaps)[0][0]
            scale, center = results['input_scale'], results['input_center']
            in_image = decoded / np.asarray(decoder.input_size) * scale + center - scale / 2
            offsets.append((in_image - truth)[results['keypoint_weights'][0] > 0])
    return np.concatenate(offsets)


@pytest.fixture(scope='module')
def mpii_pipeline() -> list[dict]:
    return Config.fromfile(str(MPII_4XMSPN50)).train_dataloader.dataset.pipeline


def test_mpii_targets_sit_on_the_joints(mpii_pipeline, capsys):
    """Before (MMPose's loader alone): targets one pixel below the joints, and one pixel right of them on unflipped
    images, left on flipped ones (a net 0 in x with flip augmentation). With the recipe's ZeroBasedKeypoints: no
    offset, in x or y, flipped or not (within the rounding left after averaging, a few hundredths of a pixel)."""
    assert any(step['type'] == 'ZeroBasedKeypoints' for step in mpii_pipeline)
    mmpose_only = [step for step in mpii_pipeline if step['type'] != 'ZeroBasedKeypoints']
    measured = {}
    for name, pipeline in (('before', mmpose_only), ('after', mpii_pipeline)):
        for flip in (False, True):
            measured[name, flip] = learned_offsets(pipeline, flip).mean(axis=0)
        measured[name, 'mean'] = (measured[name, False] + measured[name, True]) / 2
    with capsys.disabled():
        for key, (dx, dy) in measured.items():
            print(f'\nMPII target offset {key[0]:>6}, flip {key[1]!s:>5}: x {dx:+.3f} px, y {dy:+.3f} px', end='')
    np.testing.assert_allclose(measured['before', False], [1, 1], atol=0.1)
    np.testing.assert_allclose(measured['before', True], [-1, 1], atol=0.1)
    for flip in (False, True, 'mean'):
        np.testing.assert_allclose(measured['after', flip], [0, 0], atol=0.05)


def test_the_pckh_metric_compares_predictions_plus_one_with_the_annotations():
    """MMPose's MpiiPCKAccuracy adds 1 to predictions before comparing them with the 1-based annotations: a
    prediction at the joint's 0-based pixel scores, one at the annotation's number does not (threshold 0.5 px)."""
    init_default_scope('mmpose')
    joints = np.asarray(json.loads((MPII_SAMPLES / 'test_mpii.json').read_text())[0]['joints'], np.float32)[None]

    def pckh(prediction: np.ndarray) -> float:
        metric = METRICS.build(dict(type='MpiiPCKAccuracy', thr=0.5))
        metric.dataset_meta = dict(dataset_name='mpii')
        metric.process([], [dict(pred_instances=dict(keypoints=prediction),
                                 gt_instances=dict(keypoints=joints, keypoints_visible=np.ones((1, 16)),
                                                   head_size=np.ones((1, 1))))])
        return metric.evaluate(1)['PCK']

    assert pckh(joints - 1) == 100.0
    assert pckh(joints) == 0.0
