"""The README's commands for seeing what the network trains on, on the shared trainings of the test run: the targets
of augmented samples, two real runs' curves overlaid, and every stage's heatmaps of an inference."""
import json

import cv2
import numpy as np
import pytest

from helpers.paths import SAMPLE_DETECTIONS, SAMPLES, TINY
from helpers.readme import run_readme
from mspn_plugin.visualization import read_run

pytestmark = pytest.mark.slow


def test_browse_dataset_draws_the_configs_samples(tmp_path):
    run_readme('.venv/bin/python tools/analysis/browse_dataset.py CONFIG --out-dir OUT_DIR', CONFIG=TINY,
               OUT_DIR=tmp_path, extra='--num 3 --seed 1')
    drawn = sorted(tmp_path.glob('*.png'))
    assert [p.name[:3] for p in drawn] == ['00_', '01_', '02_']
    assert all(cv2.imread(str(p)).std() > 20 for p in drawn)


def test_plot_curves_overlays_two_real_trainings(tiny_run, two_process_run, tmp_path):
    run_readme('.venv/bin/python tools/analysis/plot_curves.py WORK_DIR OTHER_WORK_DIR --out-dir OUT_DIR',
               WORK_DIR=tiny_run, OTHER_WORK_DIR=two_process_run.work_dir, OUT_DIR=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        'learning_rate.png', 'losses.png', 'scale_losses.png', 'validation.png']
    one, two = read_run(tiny_run), read_run(two_process_run.work_dir)
    # what the trainings logged: every stage's and scale's loss, validation at the last iteration (not epoch 0)
    assert sorted(one.train['stage1_scale1_l2']) == [1, 2, 3, 4] and list(one.val['coco/AP']) == [4]
    assert max(two.train['loss']) == 8 and list(two.val['coco/AP']) == [8]


def test_saved_heatmaps_cover_every_person_and_stage(tiny_run, tmp_path):
    run_readme('.venv/bin/python tools/infer.py CONFIG CHECKPOINT INPUT --out-dir OUT_DIR --bboxes DETECTIONS '
               '--save-heatmaps', CONFIG=TINY, CHECKPOINT=tiny_run / 'iter_4.pth', INPUT=SAMPLES, OUT_DIR=tmp_path,
               DETECTIONS=SAMPLE_DETECTIONS, extra='--no-vis')
    predictions = json.loads((tmp_path / 'predictions.json').read_text())
    for path in (tmp_path / 'heatmaps').iterdir():
        maps = np.load(path)
        people = sum(p['file_name'] == f'{path.stem}.jpg' for p in predictions)
        assert maps['heatmaps'].shape == (people, 2, 17, 24, 16) and maps['heatmaps'].dtype == np.float32
        assert maps['input_center'].shape == maps['input_scale'].shape == (people, 2)
        assert list(maps['input_size']) == [64, 96] and maps['boxes'].shape == (people, 5)
    assert len(list((tmp_path / 'heatmaps').iterdir())) == len({p['file_name'] for p in predictions}) == 4
