"""Your own keypoints end to end: a made K=5 dataset trains (annotations checked first), evaluates with the
metainfo's OKS sigmas, infers, draws, saves heatmaps, browses its targets and plots its curves through the same tools
as COCO."""
import json
import re
import uuid

import numpy as np
import pytest

from helpers.paths import ROOT
from helpers.tools import load_tool
from mspn_plugin.evaluation.coco_keypoint_ap import coco_keypoint_ap
from mspn_plugin.testing.keypoint_dataset import make_keypoint_dataset
from mspn_plugin.visualization import read_run

pytestmark = pytest.mark.slow
TINY_CUSTOM = ROOT / 'tests/data/configs/mspn_tiny_custom.py'
EXAMPLE_SIGMAS = 'sigmas=[0.026, 0.062, 0.062, 0.089, 0.089]'


def data_options(root, ann_file) -> list[str]:
    options = [f'{split}_dataloader.dataset.{key}={value}' for split in ('train', 'val', 'test')
               for key, value in (('data_root', f'{root}/'), ('ann_file', ann_file.name),
                                  ('data_prefix.img', 'images/'))]
    return options + [f'{split}_evaluator.ann_file={ann_file}' for split in ('val', 'test')]


def test_k5_dataset_trains_evaluates_infers_and_draws(tmp_path, capsys):
    made = make_keypoint_dataset(tmp_path / 'data', num_keypoints=5, num_images=4)
    options = data_options(made.root, made.ann_file)
    assert load_tool('train').main([str(TINY_CUSTOM), '--work-dir', str(tmp_path / 'work'), '--check-annotations',
                                    '--cfg-options', *options, f'experiment_name={uuid.uuid4().hex}']) == 0
    assert f'{made.root}/annotations.json: 4 images, 8 annotations, 0 defects' in capsys.readouterr().out
    checkpoint = tmp_path / 'work/iter_3.pth'

    # the untrained model scores 0 under the example's sigmas: wide ones (from a copy of the metainfo) make the AP
    # nonzero and sensitive to them
    example = (ROOT / 'configs/_base_/data/custom_keypoints_metainfo.py').read_text()
    assert EXAMPLE_SIGMAS in example
    wide = tmp_path / 'wide_sigmas.py'
    wide.write_text(example.replace(EXAMPLE_SIGMAS, 'sigmas=[1.0, 1.0, 1.0, 1.0, 1.0]'))
    outfile = tmp_path / 'eval'
    assert load_tool('test').main([str(TINY_CUSTOM), str(checkpoint), '--work-dir', str(tmp_path / 'test'),
                                   '--cfg-options', *options, f'test_evaluator.outfile_prefix={outfile}',
                                   f'test_dataloader.dataset.metainfo.from_file={wide}',
                                   f'experiment_name={uuid.uuid4().hex}']) == 0
    log = next((tmp_path / 'test').rglob('*.log')).read_text()
    runner_ap = float(re.findall(r'coco/AP: ([0-9.]+)', log)[-1])
    predictions = json.loads(outfile.with_suffix('.keypoints.json').read_text())
    assert predictions and all(len(p['keypoints']) == 15 for p in predictions)
    assert runner_ap > 0.1
    assert runner_ap == pytest.approx(coco_keypoint_ap(predictions, str(made.ann_file), np.ones(5)), abs=1e-3)
    assert coco_keypoint_ap(predictions, str(made.ann_file), np.full(5, 0.3)) < runner_ap - 0.1

    boxes = [dict(image_id=a['image_id'], bbox=a['bbox'], score=1.0, category_id=1)
             for a in json.loads(made.ann_file.read_text())['annotations']]
    (tmp_path / 'boxes.json').write_text(json.dumps(boxes))
    assert load_tool('infer').main([str(TINY_CUSTOM), str(checkpoint), str(made.img_dir), '--out-dir',
                                    str(tmp_path / 'out'), '--bboxes', str(tmp_path / 'boxes.json'),
                                    '--images-json', str(made.ann_file), '--no-box-nms', '--no-oks-nms',
                                    '--save-heatmaps']) in (0, None)
    inferred = json.loads((tmp_path / 'out/predictions.json').read_text())
    assert len(inferred) == 8 and all(len(p['keypoints']) == 15 for p in inferred)
    drawn = sorted(p.name for p in (tmp_path / 'out/vis').iterdir())
    assert drawn == sorted(p.name for p in made.img_dir.iterdir())
    heatmaps = [np.load(path)['heatmaps'] for path in sorted((tmp_path / 'out/heatmaps').iterdir())]
    assert len(heatmaps) == 4 and all(maps.shape == (2, 2, 5, 24, 16) for maps in heatmaps)  # people, stages, K

    assert load_tool('analysis/browse_dataset').main([str(TINY_CUSTOM), '--out-dir', str(tmp_path / 'browse'),
                                                      '--num', '2', '--cfg-options', *options]) == 0
    assert len(list((tmp_path / 'browse').glob('*.png'))) == 2
    # the training's curves: per-scale losses logged, validation at the iteration it ran (not at "epoch" 0)
    run = read_run(tmp_path / 'work')
    assert sorted(run.train['stage2_scale4_l2']) == [1, 2, 3] and list(run.val['coco/AP']) == [3]
    assert load_tool('analysis/plot_curves').main([str(tmp_path / 'work'), '--out-dir', str(tmp_path / 'curves')]) == 0
    assert sorted(p.name for p in (tmp_path / 'curves').iterdir()) == [
        'learning_rate.png', 'losses.png', 'scale_losses.png', 'validation.png']
