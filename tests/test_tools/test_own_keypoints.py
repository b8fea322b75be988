"""Your own keypoints end to end: a made K=5 dataset trains (annotations checked first), evaluates with the
metainfo's OKS sigmas, infers and draws through the same tools as COCO."""
import json
import re
import uuid

import numpy as np
import pytest
from mmengine.config import Config

from helpers.paths import ROOT
from helpers.tools import load_tool
from mspn_plugin.evaluation.coco_keypoint_ap import coco_keypoint_ap
from mspn_plugin.testing.keypoint_dataset import make_keypoint_dataset

pytestmark = pytest.mark.slow
TINY_CUSTOM = ROOT / 'tests/data/configs/mspn_tiny_custom.py'


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

    outfile = tmp_path / 'eval'
    assert load_tool('test').main([str(TINY_CUSTOM), str(checkpoint), '--work-dir', str(tmp_path / 'test'),
                                   '--cfg-options', *options, f'test_evaluator.outfile_prefix={outfile}',
                                   f'experiment_name={uuid.uuid4().hex}']) == 0
    log = next((tmp_path / 'test').rglob('*.log')).read_text()
    runner_ap = float(re.findall(r'coco/AP: ([0-9.]+)', log)[-1])
    predictions = json.loads(outfile.with_suffix('.keypoints.json').read_text())
    assert predictions and all(len(p['keypoints']) == 15 for p in predictions)
    sigmas = np.array(Config.fromfile(str(ROOT / 'configs/_base_/data/custom_keypoints_metainfo.py'))
                      .dataset_info['sigmas'])
    assert runner_ap == pytest.approx(coco_keypoint_ap(predictions, str(made.ann_file), sigmas), abs=1e-3)

    boxes = [dict(image_id=a['image_id'], bbox=a['bbox'], score=1.0, category_id=1)
             for a in json.loads(made.ann_file.read_text())['annotations']]
    (tmp_path / 'boxes.json').write_text(json.dumps(boxes))
    assert load_tool('infer').main([str(TINY_CUSTOM), str(checkpoint), str(made.img_dir), '--out-dir',
                                    str(tmp_path / 'out'), '--bboxes', str(tmp_path / 'boxes.json'),
                                    '--images-json', str(made.ann_file), '--no-box-nms', '--no-oks-nms']) in (0, None)
    inferred = json.loads((tmp_path / 'out/predictions.json').read_text())
    assert len(inferred) == 8 and all(len(p['keypoints']) == 15 for p in inferred)
    drawn = sorted(p.name for p in (tmp_path / 'out/vis').iterdir())
    assert drawn == sorted(p.name for p in made.img_dir.iterdir())
