"""MMPose MSPN checkpoints (1.x and 0.x): renamed by convert_mmpose_state_dict, and loaded as they are into our
configs through the load hooks; both give MMPose's heatmaps."""
from collections import OrderedDict

import pytest
import torch
from mmengine.registry import init_default_scope
from mmengine.runner.checkpoint import get_state_dict
from mmpose.apis import init_model
from mmpose.models.backbones import MSPN
from mmpose.models.heads import MSPNHead
from mmpose.registry import MODELS

from helpers.paths import COCO_2XMSPN50
from mspn_plugin.apis import PosePredictor
from mspn_plugin.checkpoint import convert_mmpose_state_dict, rename_mmpose_key
from mspn_plugin.engine import build_runner, prepare_config
from mspn_plugin.models import MSPNBackbone, MSPNHeatmapHead
from mspn_plugin.testing import randomise_weights_

CONFIG = str(COCO_2XMSPN50)
SIZE = 64  # input height and width; heatmaps 16 x 16
# the config's COCO detection file is not here (prepare_config checks it), nor are ImageNet weights
NO_DETECTIONS = {**{f'{split}_dataloader.dataset.bbox_file': None for split in ('val', 'test')},
                 'model.backbone.init_cfg': None}


@pytest.fixture(scope='module')
def mmpose_estimator():
    """MMPose's own 2-stage MSPN (as in its 2xmspn50 config) with random weights, its input and every heatmap."""
    init_default_scope('mmpose')
    model = MODELS.build(dict(
        type='TopdownPoseEstimator',
        data_preprocessor=dict(type='PoseDataPreprocessor', mean=[123.675, 116.28, 103.53],
                               std=[58.395, 57.12, 57.375], bgr_to_rgb=True),
        backbone=dict(type='MSPN', unit_channels=256, num_stages=2, num_units=4, num_blocks=[3, 4, 6, 3],
                      norm_cfg=dict(type='BN')),
        head=dict(type='MSPNHead', out_shape=(SIZE // 4, SIZE // 4), unit_channels=256, out_channels=17,
                  num_stages=2, num_units=4, norm_cfg=dict(type='BN'), level_indices=list(range(8)),
                  loss=[dict(type='KeypointMSELoss', use_target_weight=True)] * 8,
                  decoder=dict(type='MegviiHeatmap', input_size=(SIZE, SIZE), heatmap_size=(SIZE // 4, SIZE // 4),
                               kernel_size=11))))
    x = torch.randn(2, 3, SIZE, SIZE, generator=torch.Generator().manual_seed(0))
    randomise_weights_(model, seed=3, calibrate=lambda m: m.head(m.backbone(x)))
    with torch.no_grad():
        heatmaps = model.head(model.backbone(x))
    assert heatmaps[-1].std(dim=(2, 3)).mean() > 0.1  # input-dependent, so the comparisons below have teeth
    return model, x, heatmaps


def assert_same_heatmaps(ours: torch.nn.Module, x: torch.Tensor, expected: list[torch.Tensor]) -> None:
    # MMPose's layout: what is compared is the loaded weights (channels-last rounding is tested with the estimator)
    ours.to(memory_format=torch.contiguous_format)
    with torch.no_grad():
        actual = [hm for stage in ours.head(ours.backbone(x)) for hm in stage]
    assert len(actual) == len(expected)
    assert max((a - b).abs().max() for a, b in zip(actual, expected, strict=True)) < 1e-4
    assert max(e.abs().max() for e in expected) > 1  # the bound is not on near-zero heatmaps


def test_an_mmpose_1x_checkpoint_loads_through_load_from(mmpose_estimator, tmp_path):
    model, x, expected = mmpose_estimator
    checkpoint = tmp_path / 'mmpose_2xmspn50.pth'
    torch.save({'meta': {'mmengine_version': '0.10.7'}, 'state_dict': get_state_dict(model)}, checkpoint)
    cfg = prepare_config(CONFIG, work_dir=str(tmp_path / 'work'), cfg_options=NO_DETECTIONS)
    runner = build_runner(cfg, load_from=str(checkpoint))
    assert type(runner).__name__ == 'SafeRunner'  # which refuses checkpoints that do not fit
    runner.load_or_resume()
    assert_same_heatmaps(runner.model.eval(), x, expected)


def test_an_mmpose_0x_checkpoint_loads_through_init_model(mmpose_estimator, tmp_path):
    model, x, expected = mmpose_estimator
    # MMPose 0.x: the head is ``keypoint_head``, and no module of the file carries MMPose 1.x's version number
    old = OrderedDict((k.replace('head.', 'keypoint_head.', 1) if k.startswith('head.') else k, v)
                      for k, v in model.state_dict().items())
    assert any(k.startswith('keypoint_head.predict_layers.') for k in old)
    checkpoint = tmp_path / 'mspn50_coco_256x192.pth'
    torch.save({'meta': {'mmpose_version': '0.29.0'}, 'state_dict': old}, checkpoint)
    ours = init_model(CONFIG, str(checkpoint), device='cpu')
    assert_same_heatmaps(ours, x, expected)


def test_strict_loading_of_an_mmpose_state_dict_leaves_nothing_out(mmpose_estimator):
    model, _, _ = mmpose_estimator
    ours = MODELS.build(prepare_config(CONFIG, cfg_options=NO_DETECTIONS).model)
    result = ours.load_state_dict(model.state_dict(), strict=True)
    assert not result.missing_keys and not result.unexpected_keys


def test_our_names_and_foreign_ones_are_left_alone():
    assert rename_mmpose_key('backbone', 'stages.1.transition.conv.weight') is None
    assert rename_mmpose_key('head', 'predict_layers.0.prm.bottom_path.0.conv.weight') is None
    assert rename_mmpose_key('backbone', 'multi_stage_mspn.0.upsample.up4.cross_conv.bn.weight') == \
        'stages.1.transition.bn.weight'
    assert rename_mmpose_key('head', 'predict_layers.6.conv_layers.1.conv.weight') == \
        'predictors.1.2.convs.1.conv.weight'


def test_an_mmpose_checkpoint_passes_the_fit_check_of_inference(mmpose_estimator, tmp_path):
    model, x, expected = mmpose_estimator
    checkpoint = tmp_path / 'mmpose_2xmspn50.pth'
    torch.save({'meta': {}, 'state_dict': get_state_dict(model)}, checkpoint)
    predictor = PosePredictor(CONFIG, str(checkpoint), device='cpu')
    assert_same_heatmaps(predictor.model.eval(), x, expected)


# ---- convert_mmpose_state_dict (tools/convert_checkpoint.py --from mmpose) ----------------------------------

class Wrapper(torch.nn.Module):
    def __init__(self, backbone, head):
        super().__init__()
        self.backbone, self.head = backbone, head


def mmpose_model(num_stages: int, x: torch.Tensor | None = None) -> Wrapper:
    """MMPose's MSPN; with ``x``, random weights and BN statistics (calibrated on ``x``, then perturbed)."""
    backbone = MSPN(num_stages=num_stages, num_blocks=[3, 4, 6, 3], init_cfg=None)
    head = MSPNHead(num_stages=num_stages, out_shape=(SIZE // 4, SIZE // 4), out_channels=17,
                    level_indices=list(range(num_stages * 4)))
    model = Wrapper(backbone, head).eval()
    if x is None:
        return model
    return randomise_weights_(model, seed=num_stages, calibrate=lambda m: m.head(m.backbone(x)))


def random_input(batch: int = 2) -> torch.Tensor:
    return torch.randn(batch, 3, SIZE, SIZE, generator=torch.Generator().manual_seed(0))


def our_model(num_stages: int) -> Wrapper:
    codec = dict(type='CoarseToFineHeatmap', input_size=(SIZE, SIZE))
    return Wrapper(MSPNBackbone(num_stages=num_stages),
                   MSPNHeatmapHead(num_stages=num_stages, out_channels=17, decoder=codec)).eval()


@pytest.mark.parametrize('num_stages', [1, 2])
def test_converted_mmpose_model_gives_the_same_final_heatmaps(num_stages):
    x = random_input()
    reference = mmpose_model(num_stages, x)
    ours = our_model(num_stages)
    converted = convert_mmpose_state_dict(reference.state_dict())
    ours.load_state_dict(converted, strict=True)
    with torch.no_grad():
        expected = reference.head(reference.backbone(x))
        feats = ours.backbone(x)
        final = ours.head.forward_final(feats)
        every = ours.head(feats)
    assert 0.1 < expected[-1].abs().max() < 100
    assert expected[-1].std(dim=(2, 3)).mean() > 0.1  # heatmaps depend on the input
    assert (final - expected[-1]).abs().max() < 1e-4
    flat = [hm for stage in every for hm in stage]
    assert max((a - b).abs().max() for a, b in zip(flat, expected, strict=True)) < 1e-4


def test_zero_x_and_module_prefixes_are_accepted():
    state = mmpose_model(1).state_dict()
    old = {('keypoint_head.' + k[5:] if k.startswith('head.') else k): v for k, v in state.items()}
    prefixed = {'module.' + k: v for k, v in state.items()}
    assert convert_mmpose_state_dict(old).keys() == convert_mmpose_state_dict(prefixed).keys()


def test_unknown_keys_are_named():
    with pytest.raises(KeyError, match='head.prm.weight'):
        convert_mmpose_state_dict({'head.prm.weight': torch.zeros(1)})
