"""What the network trains on: samples through a config's real pipeline, their targets laid out by the head, and the
drawing of both."""
import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmpose.registry import MODELS

from helpers.paths import SAMPLE_CONFIG
from mspn_plugin.utils.registry_scope import registry_scope
from mspn_plugin.visualization import draw_dataset_samples, pipeline_samples, target_panels


@pytest.fixture(scope='module')
def cfg() -> Config:
    return Config.fromfile(SAMPLE_CONFIG)


@pytest.fixture(scope='module')
def train_samples(cfg):
    with registry_scope():
        return pipeline_samples(cfg, 'train', num=4, seed=3)


def test_each_target_peaks_at_its_keypoint_in_the_crop(train_samples):
    """The crop's keypoints and its targets are the same augmentation's: every supervised keypoint's finest target
    has its maximum in the heatmap cell holding the keypoint (or, for a keypoint one cell from the border, on the
    border: the authors' blur reflects the map there, which doubles that cell)."""
    samples, metainfo = train_samples
    assert len(samples) == 4 and metainfo['num_keypoints'] == 17
    for sample in samples:
        height, width = sample.image.shape[:2]
        assert (width, height) == (96, 128)
        levels = sample.heatmaps.reshape(-1, 17, 32, 24)
        supervised = np.flatnonzero(sample.keypoint_weights)
        assert len(supervised) > 0
        for k in supervised:
            peak = np.unravel_index(np.argmax(levels[-1, k]), (32, 24))[::-1]
            cell = np.floor(sample.keypoints[k] / 4).astype(int)
            for at, expected, size in zip(peak, cell, (24, 32), strict=True):
                assert at == expected or (expected, at) in {(1, 0), (size - 2, size - 1)}
        assert not levels[:, np.flatnonzero(sample.keypoint_weights == 0)].any()


def test_panels_follow_the_heads_kernel_schedule(cfg, train_samples):
    sample = train_samples[0][0]
    with registry_scope():
        head = MODELS.build(cfg.model.head)
    panels = target_panels(sample.heatmaps, 17, head)
    kernels = cfg.model.head.decoder.target_kernels
    levels = sample.heatmaps.reshape(len(kernels), 17, 32, 24)
    assert [[p.title.split('\n')[1] for p in row] for row in panels] == [
        [f'{k}x{k} kernel' for k in row] for row in ([15, 11, 9, 7], [11, 9, 7, 5])]
    assert [p.title.split(',')[1].split('\n')[0] for p in panels[0]] == [
        ' 1/32 features', ' 1/16 features', ' 1/8 features', ' 1/4 features']
    for row, schedule in zip(panels, ([15, 11, 9, 7], [11, 9, 7, 5]), strict=True):
        for panel, kernel in zip(row, schedule, strict=True):
            np.testing.assert_array_equal(panel.heatmaps, levels[kernels.index(kernel)])
    # coarse to fine: the wider kernel spreads each keypoint's target over more cells
    assert (panels[0][0].heatmaps > 1).sum() > (panels[1][3].heatmaps > 1).sum()
    # a head without a kernel schedule sees the rendered levels in one row
    assert [len(row) for row in target_panels(sample.heatmaps, 17)] == [len(kernels)]


def test_drawn_files_show_crops_and_targets(cfg, tmp_path):
    with registry_scope():
        train = draw_dataset_samples(cfg, tmp_path / 'train', 'train', num=2, seed=0)
        val = draw_dataset_samples(cfg, tmp_path / 'val', 'val', num=2, seed=0)
    assert len(train) == len(val) == 2
    for path in train + val:
        assert path.name.startswith(('00_0000', '01_0000')) and path.suffix == '.png'
    train_image, val_image = cv2.imread(str(train[0])), cv2.imread(str(val[0]))
    # the training figure holds a crop and 2 x 4 target panels; the validation pipeline renders no targets
    assert train_image.shape[1] > 2.5 * val_image.shape[1]
    assert train_image.std() > 20
