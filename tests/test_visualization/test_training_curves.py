"""Training curves from work directories: reading MMEngine's scalars (resumed runs joined), drawing several runs."""
import json
from pathlib import Path

import cv2
import pytest

from helpers.tools import load_tool
from mspn_plugin.utils.errors import InputError
from mspn_plugin.visualization import plot_training_curves, read_run

plot_curves = load_tool('analysis/plot_curves')


def train_record(step: int, loss: float) -> dict:
    return dict(lr=0.001 * step, loss=loss, loss_stage1=0.6 * loss, loss_stage2=0.4 * loss, acc_pose=0.1,
                stage1_scale1_l2=1.0, stage1_scale2_l2=2.0, stage2_scale1_l2=3.0, stage2_scale2_l2=4.0,
                time=0.5, data_time=0.1, iter=step, step=step)


def write_run(folder: Path, records: list[dict]) -> Path:
    path = folder / 'vis_data/scalars.json'
    path.parent.mkdir(parents=True)
    path.write_text(''.join(json.dumps(r) + '\n' for r in records))
    return path


@pytest.fixture
def resumed_work_dir(tmp_path) -> Path:
    """A training killed after iteration 30 (its record of 30 logged) and resumed from 20 in a second run."""
    work = tmp_path / 'lr1e-3'
    write_run(work / '20260101_100000', [train_record(10, 9.0), train_record(20, 8.0),
                                         {'coco/AP': 0.1, 'coco/AR': 0.2, 'time': 1.0, 'step': 20},
                                         train_record(30, 7.5)])
    write_run(work / '20260101_120000', [train_record(30, 7.0), train_record(40, 6.0),
                                         {'coco/AP': 0.3, 'coco/AR': 0.4, 'time': 1.0, 'step': 40}])
    return work


def test_a_resumed_training_continues_its_curves(resumed_work_dir):
    run = read_run(resumed_work_dir)
    assert run.label == 'lr1e-3'
    assert run.train['loss'] == {10: 9.0, 20: 8.0, 30: 7.0, 40: 6.0}  # the resumed run's 30 replaces the lost one
    assert run.val == {'coco/AP': {20: 0.1, 40: 0.3}, 'coco/AR': {20: 0.2, 40: 0.4}}
    assert 'time' not in run.train and 'step' not in run.train and run.train['stage2_scale1_l2'][40] == 3.0


def test_runs_are_drawn_overlaid_into_one_file_per_kind(resumed_work_dir, tmp_path):
    other = tmp_path / 'lr5e-4'
    write_run(other / '20260102_100000', [train_record(10, 5.0), train_record(20, 4.0)])
    paths = plot_training_curves([read_run(resumed_work_dir), read_run(other)], tmp_path / 'curves')
    assert [p.name for p in paths] == ['losses.png', 'scale_losses.png', 'learning_rate.png', 'validation.png']
    for path in paths:
        image = cv2.imread(str(path))
        assert image is not None and image.std() > 5
    # the per-scale panels: 2 stages x 2 scales; losses: total, 2 stages and acc_pose side by side
    scale_losses, losses = cv2.imread(str(paths[1])), cv2.imread(str(paths[0]))
    assert scale_losses.shape[0] > 1.5 * losses.shape[0] and losses.shape[1] > 1.5 * scale_losses.shape[1]


def test_cli_with_labels_and_errors(resumed_work_dir, tmp_path, capsys):
    assert plot_curves.main([str(resumed_work_dir), str(resumed_work_dir / '20260101_100000/vis_data/scalars.json'),
                             '--labels', 'joined', 'first part', '--out-dir', str(tmp_path / 'out')]) == 0
    assert (tmp_path / 'out/validation.png').exists()
    with pytest.raises(SystemExit):
        plot_curves.main([str(resumed_work_dir), '--labels', 'a', 'b', '--out-dir', str(tmp_path / 'out')])
    assert plot_curves.main([str(tmp_path / 'nowhere'), '--out-dir', str(tmp_path / 'out')]) == 1
    assert 'nowhere: no */vis_data/scalars.json' in capsys.readouterr().err


def test_a_malformed_record_is_named_with_its_line(tmp_path):
    path = write_run(tmp_path / 'run' / '20260101_100000', [train_record(10, 1.0)])
    path.write_text(path.read_text() + '{"loss": 1.0\n')
    with pytest.raises(InputError, match=r'scalars.json: line 2 is not a scalar record'):
        read_run(tmp_path / 'run')
