"""The authors' MSPN checkpoints (megvii-detection/MSPN): convert_authors_state_dict against a test-only rewrite of
their network with random weights and calibrated BatchNorm statistics."""
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from mmcv.cnn import ConvModule
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpose.registry import MODELS
from mmpose.structures import PoseDataSample

from helpers.authors_mspn import AuthorsMSPN, ConvBnRelu
from helpers.paths import COCO_2XMSPN50, SAMPLES
from helpers.readme import run_readme
from mspn_plugin.checkpoint import convert_authors_state_dict
from mspn_plugin.checkpoint.authors_keys import AUTHORS_BGR_MEAN, AUTHORS_BGR_STD
from mspn_plugin.checkpoint.authors_keys import fold_authors_input_normalisation as fold_normalisation
from mspn_plugin.testing import randomise_weights_
from mspn_plugin.utils.imagenet import IMAGENET_RGB_MEAN as RGB_MEAN
from mspn_plugin.utils.imagenet import IMAGENET_RGB_STD as RGB_STD

AUTHORS_HEIGHT, AUTHORS_WIDTH = 128, 96
CONFIG = COCO_2XMSPN50


def config_model() -> torch.nn.Module:
    """Our 2xRes-50 COCO model exactly as configured, data preprocessor included."""
    init_default_scope('mmpose')
    cfg = Config.fromfile(CONFIG)
    cfg.model.backbone.init_cfg = None  # no ImageNet download: the weights come from the conversion
    return MODELS.build(cfg.model)


def sample_crops() -> np.ndarray:
    """Two 128x96 BGR uint8 crops of a bundled COCO image (a person and a patch of scene), (2, H, W, 3)."""
    image = cv2.imread(str(SAMPLES / '000000000785.jpg'))
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


@pytest.mark.slow  # runs the README's conversion command
def test_converted_authors_checkpoint_gives_their_heatmaps_on_our_preprocessing(tmp_path):
    bgr = sample_crops()
    reference = randomise_weights_(
        AuthorsMSPN(num_stages=2, num_keypoints=17, output_shape=(AUTHORS_HEIGHT // 4, AUTHORS_WIDTH // 4)),
        seed=5, calibrate=lambda m: m(authors_input(bgr)))
    src, dst = tmp_path / 'iter-96000.pth', tmp_path / 'converted.pth'
    authors_checkpoint(src, reference)
    run_readme('.venv/bin/python tools/convert_checkpoint.py --from authors SRC DST', SRC=src, DST=dst)

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
