"""Our MSPN equals MMPose's and the authors': convert random models (with random BN statistics) and compare."""
import importlib.util
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from authors_mspn_reference import AuthorsMSPN, ConvBnRelu
from mmcv.cnn import ConvModule
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpose.models.backbones import MSPN
from mmpose.models.heads import MSPNHead
from mmpose.registry import MODELS
from mmpose.structures import PoseDataSample

from mspn_plugin.apis import convert_authors_state_dict, convert_mmpose_state_dict
from mspn_plugin.apis.checkpoint_conversion import AUTHORS_BGR_MEAN, AUTHORS_BGR_STD, RGB_MEAN, RGB_STD
from mspn_plugin.apis.checkpoint_conversion import fold_authors_input_normalisation as fold_normalisation
from mspn_plugin.models import MSPNBackbone, MSPNHeatmapHead
from mspn_plugin.testing import randomise_weights_

ROOT = Path(__file__).resolve().parents[2]
HEIGHT, WIDTH = 64, 64


class Wrapper(torch.nn.Module):
    def __init__(self, backbone, head):
        super().__init__()
        self.backbone, self.head = backbone, head


def mmpose_model(num_stages: int, x: torch.Tensor | None = None) -> Wrapper:
    """MMPose's MSPN; with ``x``, random weights and BN statistics (calibrated on ``x``, then perturbed)."""
    backbone = MSPN(num_stages=num_stages, num_blocks=[3, 4, 6, 3], init_cfg=None)
    head = MSPNHead(num_stages=num_stages, out_shape=(HEIGHT // 4, WIDTH // 4), out_channels=17,
                    level_indices=list(range(num_stages * 4)))
    model = Wrapper(backbone, head).eval()
    if x is None:
        return model
    return randomise_weights_(model, seed=num_stages, calibrate=lambda m: m.head(m.backbone(x)))


def random_input(batch: int = 2) -> torch.Tensor:
    return torch.randn(batch, 3, HEIGHT, WIDTH, generator=torch.Generator().manual_seed(0))


def our_model(num_stages: int) -> Wrapper:
    codec = dict(type='CoarseToFineHeatmap', input_size=(WIDTH, HEIGHT))
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


def test_cli_converts_a_runner_style_checkpoint(tmp_path):
    reference = mmpose_model(2)
    src, dst = tmp_path / 'mmpose.pth', tmp_path / 'ours.pth'
    torch.save({'meta': {'epoch': 3}, 'state_dict': reference.state_dict()}, src)
    result = subprocess.run([sys.executable, str(ROOT / 'tools/convert_checkpoint.py'), '--from', 'mmpose',
                             str(src), str(dst)], capture_output=True, text=True, check=True)
    assert 'wrote' in result.stdout
    ours = our_model(2)
    ours.load_state_dict(torch.load(dst, weights_only=True)['state_dict'], strict=True)


def test_cli_reports_a_non_mspn_checkpoint(tmp_path):
    src = tmp_path / 'other.pth'
    torch.save({'state_dict': {'backbone.conv1.weight': torch.zeros(1)}}, src)
    result = subprocess.run([sys.executable, str(ROOT / 'tools/convert_checkpoint.py'), '--from', 'mmpose',
                             str(src), str(tmp_path / 'out.pth')], capture_output=True, text=True)
    assert result.returncode != 0
    assert 'other.pth' in result.stderr and 'backbone.conv1.weight' in result.stderr


# ---- the authors' checkpoints (megvii-detection/MSPN) ---------------------------------------------------------

AUTHORS_HEIGHT, AUTHORS_WIDTH = 128, 96
CONFIG = ROOT / 'configs/coco/mspn_2xres50_coco-256x192.py'


def config_model() -> torch.nn.Module:
    """Our 2xRes-50 COCO model exactly as configured, data preprocessor included."""
    init_default_scope('mmpose')
    return MODELS.build(Config.fromfile(CONFIG).model)


def load_cli():
    spec = importlib.util.spec_from_file_location('convert_checkpoint', ROOT / 'tools/convert_checkpoint.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sample_crops() -> np.ndarray:
    """Two 128x96 BGR uint8 crops of a bundled COCO image (a person and a patch of scene), (2, H, W, 3)."""
    image = cv2.imread(str(ROOT / 'tests/data/coco/000000000785.jpg'))
    boxes = [(280, 40, 520, 360), (0, 200, 150, 400)]  # x1, y1, x2, y2
    return np.stack([cv2.resize(image[y1:y2, x1:x2], (AUTHORS_WIDTH, AUTHORS_HEIGHT), interpolation=cv2.INTER_AREA)
                     for x1, y1, x2, y2 in boxes])


def authors_input(bgr: np.ndarray) -> torch.Tensor:
    """What their data loader gives their network: ToTensor (/ 255) then Normalize with their BGR mean/std."""
    x = torch.from_numpy(bgr).permute(0, 3, 1, 2).float() / 255
    return (x - torch.tensor(AUTHORS_BGR_MEAN).view(1, 3, 1, 1)) / torch.tensor(AUTHORS_BGR_STD).view(1, 3, 1, 1)


def authors_checkpoint(path: Path, model: torch.nn.Module) -> None:
    """A file as their ``Engine.save_checkpoint`` writes it (their optimiser and linear warm-up schedule)."""
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-4, weight_decay=1e-5)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda it: min(1.0, 0.1 + 0.9 * it / 2400))
    torch.save({'model': model.state_dict(), 'optimizer': optimizer.state_dict(),
                'scheduler': scheduler.state_dict(), 'iteration': 96000}, path)


def border(x: torch.Tensor, width: int = 2) -> torch.Tensor:
    """The outer ``width`` rows and columns of (..., H, W) maps, flattened."""
    mask = torch.ones(x.shape[-2:], dtype=torch.bool)
    mask[width:-width, width:-width] = False
    return x[..., mask]


def test_converted_authors_checkpoint_gives_their_heatmaps_on_our_preprocessing(tmp_path):
    bgr = sample_crops()
    reference = randomise_weights_(
        AuthorsMSPN(num_stages=2, num_keypoints=17, output_shape=(AUTHORS_HEIGHT // 4, AUTHORS_WIDTH // 4)),
        seed=5, calibrate=lambda m: m(authors_input(bgr)))
    src, dst = tmp_path / 'iter-96000.pth', tmp_path / 'converted.pth'
    authors_checkpoint(src, reference)
    assert load_cli().main(['--from', 'authors', str(src), str(dst)]) == 0

    ours = config_model().eval()
    ours.load_state_dict(torch.load(dst, weights_only=True)['state_dict'], strict=True)

    # the image reaches the first conv's zero padding far from the mean colour, so the border check has teeth
    assert (border(torch.from_numpy(bgr).permute(0, 3, 1, 2).float()) - 117).abs().mean() > 20
    with torch.no_grad():
        expected = reference(authors_input(bgr))
        data = ours.data_preprocessor(dict(inputs=[torch.from_numpy(img).permute(2, 0, 1) for img in bgr],
                                           data_samples=[PoseDataSample() for _ in bgr]))
        ours_out = ours.head(ours.backbone(data['inputs']))
        # the same image in the wrong colour order: the comparison must tell it apart
        swapped = ours.head.forward_final(ours.backbone(data['inputs'].flip(1)))
    diffs = [(a - b).abs().max().item() for stage_a, stage_b in zip(ours_out, expected, strict=True)
             for a, b in zip(stage_a, stage_b, strict=True)]
    assert 0.1 < expected[-1][-1].abs().max() < 100
    assert expected[-1][-1].std(dim=(2, 3)).mean() > 0.1  # heatmaps depend on the input
    assert max(diffs) < 1e-4, diffs
    assert (swapped - expected[-1][-1]).abs().max() > 0.1
    assert (border(ours_out[-1][-1]) - border(expected[-1][-1])).abs().max() < 1e-4


@pytest.mark.parametrize('std', [RGB_STD, (1.0, 1.0, 1.0), (40.0, 60.0, 80.0)])
def test_first_conv_fold_is_exact_at_the_border(std):
    """Their stem conv on their input equals ours on RGB input normalised with ``RGB_MEAN`` and ``std``: the
    border outputs, which read the zero padding, included."""
    bgr = sample_crops()
    theirs = randomise_weights_(ConvBnRelu(3, 64, 7, stride=2), seed=1, calibrate=lambda m: m(authors_input(bgr)))
    converted = convert_authors_state_dict({f'top.conv.{k}': v for k, v in theirs.state_dict().items()}, std=std)
    ours = ConvModule(3, 64, 7, stride=2, padding=3, norm_cfg=dict(type='BN')).eval()
    ours.load_state_dict({k.removeprefix('backbone.stem.0.'): v for k, v in converted.items()}, strict=True)
    rgb = torch.from_numpy(bgr[..., ::-1].copy()).permute(0, 3, 1, 2).float()
    with torch.no_grad():
        expected = theirs(authors_input(bgr))
        actual = ours((rgb - torch.tensor(RGB_MEAN).view(1, 3, 1, 1)) / torch.tensor(std).view(1, 3, 1, 1))
    assert expected.abs().max() > 0.5
    assert (border(actual, width=2) - border(expected, width=2)).abs().max() < 1e-5
    assert (actual - expected).abs().max() < 1e-5


def test_a_mean_other_than_theirs_is_refused():
    weight = torch.randn(64, 3, 7, 7)
    with pytest.raises(ValueError, match='border'):
        fold_normalisation(weight, mean=(0.0, 0.0, 0.0), std=(255.0, 255.0, 255.0))


def test_authors_key_layout_maps_onto_every_key_of_our_config():
    reference = AuthorsMSPN(num_stages=2, num_keypoints=17, output_shape=(64, 48))
    converted = convert_authors_state_dict(reference.state_dict())
    ours = config_model()
    assert converted.keys() == ours.state_dict().keys()
    assert all(converted[k].shape == v.shape for k, v in ours.state_dict().items())


def test_authors_unknown_and_incomplete_units_are_named():
    unit = {f'stage0.upsample.up1.u_skip.{k}': v
            for k, v in ConvBnRelu(2048, 256, 1).state_dict().items()}
    with pytest.raises(KeyError, match='stage0.upsample.up1.prm.conv.weight'):
        convert_authors_state_dict({**unit, 'stage0.upsample.up1.prm.conv.weight': torch.zeros(1)})
    unit.pop('stage0.upsample.up1.u_skip.bn.running_var')
    with pytest.raises(KeyError, match=r"stage0.upsample.up1.u_skip.*bn.running_var"):
        convert_authors_state_dict(unit)


def test_cli_names_the_file_when_the_layout_is_not_the_authors(tmp_path):
    src = tmp_path / 'mmpose_file.pth'
    torch.save({'state_dict': {'backbone.top.top.0.conv.weight': torch.zeros(1)}}, src)
    with pytest.raises(SystemExit, match=r'mmpose_file.pth.*--from authors.*backbone.top.top.0.conv.weight'):
        load_cli().main(['--from', 'authors', str(src), str(tmp_path / 'out.pth')])
    not_a_dict = tmp_path / 'list.pth'
    torch.save([torch.zeros(1)], not_a_dict)
    with pytest.raises(SystemExit, match=r'list.pth.*holds a list'):
        load_cli().main(['--from', 'authors', str(not_a_dict), str(tmp_path / 'out.pth')])
