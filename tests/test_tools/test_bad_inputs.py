"""The bad-input table of docs/reliability.md: every case through tools/infer.py, tools/test.py or tools/train.py
(in process, through their ``main(argv)``), or through the training dataset.

Each bad input ends in a one-line ``error: <file>: <problem>`` and exit status 1, or in a logged skip while the
rest completes; images in other formats are converted and give the same poses as the 8-bit RGB original.
"""
import copy
import json
import os
import shutil
import uuid
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpose.registry import DATASETS

from helpers.checkpoints import save_random_checkpoint
from helpers.paths import SAMPLES
from helpers.paths import TINY as TINY_PATH
from helpers.tools import load_tool

TINY = str(TINY_PATH)
IMAGE = SAMPLES / '000000000785.jpg'
BOX = [280.0, 44.0, 220.0, 347.0]  # x, y, w, h of the person in IMAGE

pytestmark = pytest.mark.slow


class RunsCode:
    """Unpickling this object would create ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.system, (f'touch {self.marker}',)


@pytest.fixture(scope='module')
def files(tmp_path_factory) -> dict[str, Path]:
    """Checkpoints (good, for another model, broken, malicious) and configs, made once."""
    root = tmp_path_factory.mktemp('bad_inputs')
    made = dict(good=root / 'good.pth', stages=root / 'one_stage.pth', keypoints=root / 'k14.pth',
                truncated=root / 'truncated.pth', malicious=root / 'malicious.pth', marker=root / 'pwned',
                unknown_type=root / 'unknown_type.py', typo=root / 'typo.py')
    save_random_checkpoint(TINY, made['good'])
    save_random_checkpoint(TINY, made['stages'], **{'model.backbone.num_stages': 1, 'model.head.num_stages': 1,
                                                    'model.head.kernel_schedule': [[5, 5, 3, 3]]})
    save_random_checkpoint(TINY, made['keypoints'], **{'model.head.out_channels': 14})
    made['truncated'].write_bytes(made['good'].read_bytes()[:100_000])
    good = torch.load(made['good'], weights_only=True)
    torch.save(dict(good, payload=RunsCode(made['marker'])), made['malicious'])
    made['unknown_type'].write_text(f"_base_ = ['{TINY}']\nmodel = dict(backbone=dict(type='MSPNBackbon'))\n")
    made['typo'].write_text(f"_base_ = ['{TINY}']\nmodel = dict(backbone=dict(num_stagez=2))\n")
    return made


# ---- tools/infer.py ---------------------------------------------------------------------------------------

def write_detections(path: Path, detections) -> Path:
    path.write_text(detections if isinstance(detections, str) else json.dumps(detections))
    return path


def person(name: str, bbox=BOX, score=0.9) -> dict:
    return dict(file_name=name, bbox=bbox, score=score, category_id=1)


def make_image(folder: Path, name: str) -> None:
    """Write the bad or unusual image called ``name`` into ``folder``."""
    image = cv2.imread(str(IMAGE))
    path = folder / name
    if name == 'zero_bytes.jpg':
        path.write_bytes(b'')
    elif name == 'truncated.jpg':
        path.write_bytes(IMAGE.read_bytes()[:5000])
    elif name == 'dangling_link.jpg':
        path.symlink_to(folder / 'nowhere.jpg')
    elif name == 'alpha.png':
        cv2.imwrite(str(path), np.dstack([image, np.full(image.shape[:2], 100, np.uint8)]))
    elif name == 'deep16.png':
        cv2.imwrite(str(path), image.astype(np.uint16) * 257)
    elif name == 'gray.png':
        cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
    elif name == 'huge.png':  # 8200 x 8200, the person pasted at the top left
        huge = np.zeros((8200, 8200, 3), np.uint8)
        huge[:image.shape[0], :image.shape[1]] = image
        cv2.imwrite(str(path), huge)
    else:
        shutil.copy(IMAGE, path)


def infer(files, tmp_path, capsys, images: list[str], detections, *, config: str = TINY,
          checkpoint: str = 'good') -> tuple[int, str, list[dict], dict]:
    """Run tools/infer.py on a folder of ``images`` with ``detections``; returns the exit status, the output (stdout
    and stderr), the predictions and the summary."""
    folder = tmp_path / 'images'
    folder.mkdir(parents=True)
    for name in images:
        make_image(folder, name)
    dets = write_detections(tmp_path / 'dets.json', detections)
    status = load_tool('infer').main([str(config), str(files[checkpoint]), str(folder), '--out-dir',
                                      str(tmp_path / 'out'), '--bboxes', str(dets), '--no-flip', '--no-vis'])
    captured = capsys.readouterr()
    out = tmp_path / 'out'
    predictions = json.loads((out / 'predictions.json').read_text()) if (out / 'predictions.json').exists() else []
    summary = {}
    if status == 0:
        text = captured.out
        summary = json.loads(text[text.index('{'):text.rindex('}') + 1])
    return status, captured.out + captured.err, predictions, summary


def keypoints_of(predictions: list[dict], name: str) -> np.ndarray:
    return np.array([p['keypoints'] for p in predictions if p['file_name'] == name])


def assert_one_line_error(status: int, stderr: str, *fragments: str) -> None:
    assert status == 1
    line = stderr.strip().splitlines()[-1]
    assert line.startswith('error: ') and 'Traceback' not in stderr, stderr[-2000:]
    for fragment in fragments:
        assert fragment in line, line


@pytest.mark.parametrize('name,reason', [('zero_bytes.jpg', 'empty file'),
                                         ('truncated.jpg', 'cannot be decoded'),
                                         ('dangling_link.jpg', 'file not found')])
def test_infer_skips_unreadable_images_and_completes(files, tmp_path, capsys, warnings_logged, name, reason):
    status, _, predictions, summary = infer(files, tmp_path, capsys, ['good.jpg', name],
                                            [person('good.jpg'), person(name)])
    assert status == 0 and summary['processed'] == 1 and reason in summary['skipped'][name]
    assert name in json.loads((tmp_path / 'out/skipped.json').read_text())
    assert any(m.startswith('skipping') and name in m for m in warnings_logged)
    assert len(keypoints_of(predictions, 'good.jpg')) == 1


@pytest.mark.parametrize('name', ['alpha.png', 'deep16.png', 'gray.png', 'huge.png'])
def test_infer_converts_other_image_formats(files, tmp_path, capsys, name):
    """Alpha, 16-bit and the 8200x8200 image hold the original's pixels: the same poses as the original. The
    grayscale image gives the poses of the original converted to gray (the model sees three equal channels)."""
    status, _, predictions, _ = infer(files, tmp_path, capsys, ['original.jpg', name],
                                      [person('original.jpg'), person(name)])
    assert status == 0
    converted, original = keypoints_of(predictions, name), keypoints_of(predictions, 'original.jpg')
    assert converted.shape == original.shape == (1, 51)
    if name == 'gray.png':
        assert np.isfinite(converted).all()
        xy = converted.reshape(17, 3)[:, :2]
        assert ((xy >= [BOX[0] - BOX[2], BOX[1] - BOX[3]]) & (xy <= [BOX[0] + 2 * BOX[2], BOX[1] + 2 * BOX[3]])).all()
    else:
        np.testing.assert_allclose(converted, original, atol=1e-4)


@pytest.mark.parametrize('bad', [
    dict(bbox=[280, 44, 0, 347]),  # zero width
    dict(bbox=[280, 44, -50, 347]),  # negative width
    dict(bbox=[5000, 5000, 100, 100]),  # outside the image
    dict(score=float('nan')),
    dict(score=float('inf')),
    dict(bbox=[280, 44, float('inf'), 347]),
], ids=['zero-size box', 'negative-size box', 'box outside the image', 'NaN score', 'inf score', 'inf box'])
def test_infer_drops_bad_boxes_with_a_warning(files, tmp_path, capsys, warnings_logged, bad):
    status, _, predictions, _ = infer(files, tmp_path, capsys, ['a.jpg'], [person('a.jpg'), dict(person('a.jpg'),
                                                                                               **bad)])
    assert status == 0 and any(m.startswith('a.jpg: dropped 1 box(es)') for m in warnings_logged)
    kept = keypoints_of(predictions, 'a.jpg')
    assert len(kept) == 1 and np.isfinite(kept).all()


def test_infer_reports_detections_of_unknown_images(files, tmp_path, capsys, warnings_logged):
    status, _, predictions, summary = infer(files, tmp_path, capsys, ['a.jpg'],
                                              [person('a.jpg'), person('elsewhere.jpg'), person('other.png')])
    assert status == 0 and summary['unmatched_detections'] == ['elsewhere.jpg', 'other.png']
    assert any('detections for 2 image(s)' in m for m in warnings_logged)
    assert len(predictions) == 1


@pytest.mark.parametrize('detections,fragments', [
    ('[]', ['dets.json', 'expected a non-empty list']),
    ('[{"file_name": "a.jpg", "bbox": [1, 2', ['dets.json', 'malformed json']),
    ('{"annotations": []}', ['dets.json', 'expected a non-empty list']),
    ('[{"file_name": "a.jpg", "score": 0.9}]', ['dets.json', 'detection 0']),
    ('[{"file_name": "a.jpg", "bbox": [1, 2, "three", 4], "score": 0.9}]', ['dets.json', 'detection 0']),
], ids=['empty detections file', 'malformed json', 'not a list', 'detection without bbox', 'non-numeric bbox'])
def test_infer_refuses_unusable_detection_files(files, tmp_path, capsys, detections, fragments):
    status, stderr, _, _ = infer(files, tmp_path, capsys, ['a.jpg'], detections)
    assert_one_line_error(status, stderr, *fragments)


def test_infer_never_runs_code_from_a_detections_file(files, tmp_path, capsys):
    """Values are parsed as json numbers and strings only: code in a score is an error, code in a file name is
    a name that matches no image."""
    code = f"__import__('os').system('touch {files['marker']}')"
    status, stderr, _, _ = infer(files, tmp_path / 'score', capsys, ['a.jpg'], [person('a.jpg', score=code)])
    assert_one_line_error(status, stderr, 'dets.json', 'detection 0')
    status, _, _, summary = infer(files, tmp_path / 'name', capsys, ['a.jpg'], [person('a.jpg'), person(code)])
    assert status == 0 and summary['unmatched_detections'] == [os.path.basename(code)]  # names are matched by basename
    assert not files['marker'].exists()


@pytest.mark.parametrize('config,checkpoint,fragments', [
    ('unknown_type', 'good', ['unknown_type.py', 'MSPNBackbon is not in the']),
    ('typo', 'good', ['typo.py', "unexpected keyword argument 'num_stagez'"]),
    (None, 'stages', ['one_stage.pth', 'missing keys', 'backbone.stages.1']),
    (None, 'keypoints', ['k14.pth', 'another shape', '(14, 32, 3, 3) vs (17, 32, 3, 3)']),
    (None, 'truncated', ['truncated.pth', 'unreadable']),
    (None, 'malicious', ['malicious.pth', 'refusing to load']),
], ids=['unknown component', "typo'd key", 'checkpoint of another number of stages',
        'checkpoint of another number of keypoints', 'truncated checkpoint', 'checkpoint carrying code'])
def test_infer_refuses_bad_configs_and_checkpoints(files, tmp_path, capsys, config, checkpoint, fragments):
    status, stderr, _, _ = infer(files, tmp_path, capsys, ['a.jpg'], [person('a.jpg')],
                                 config=str(files[config]) if config else TINY, checkpoint=checkpoint)
    assert_one_line_error(status, stderr, *fragments)
    assert not files['marker'].exists()


def test_infer_missing_input(files, tmp_path, capsys):
    status = load_tool('infer').main([TINY, str(files['good']), str(tmp_path / 'absent'), '--out-dir',
                                      str(tmp_path / 'out'), '--bboxes', str(write_detections(tmp_path / 'd.json',
                                                                                              [person('a.jpg')]))])
    assert_one_line_error(status, capsys.readouterr().err, 'absent', 'does not exist')


# ---- tools/test.py and tools/train.py ----------------------------------------------------------------------

@pytest.fixture
def broken_coco(tmp_path) -> Path:
    """A copy of the sample COCO set; tests break one of its images."""
    folder = tmp_path / 'coco'
    shutil.copytree(SAMPLES, folder)
    return folder


def runner_tool(tool: str, capfd, *args: str, config: str = TINY) -> tuple[int, str]:
    """Run tools/<tool>.py in this process; returns the exit status and the output (stdout and stderr)."""
    # MMEngine names its logger after the config and the second the runner starts: a second run within the same
    # second would reuse a logger whose stream belongs to an earlier test's captured output
    status = load_tool(tool).main([config, *map(str, args), '--cfg-options', f'experiment_name={uuid.uuid4().hex}'])
    captured = capfd.readouterr()
    return status, captured.out + captured.err


@pytest.mark.parametrize('tool', ['train', 'test'])
@pytest.mark.parametrize('damage,reason', [('missing', 'file not found'), ('truncated', 'cannot be decoded')])
def test_runner_tools_name_a_missing_or_corrupt_dataset_image(files, tmp_path, capfd, broken_coco, tool, damage,
                                                              reason):
    image = broken_coco / '000000040083.jpg'
    if damage == 'missing':
        image.unlink()
    else:
        image.write_bytes(image.read_bytes()[:5000])
    which = 'train_dataloader' if tool == 'train' else 'test_dataloader'
    # 4 iterations of 4 instances cover all 14 training instances (a shuffled epoch first), so the image is reached
    args = [files['good']] if tool == 'test' else []
    status, output = runner_tool(tool, capfd, *args, '--work-dir', tmp_path / 'work', '--cfg-options',
                                 f'{which}.dataset.data_root={broken_coco}/', 'train_cfg.max_iters=4')
    assert_one_line_error(status, output, str(image), reason)


@pytest.mark.parametrize('tool', ['train', 'test'])
@pytest.mark.parametrize('config,fragment', [('unknown_type', 'MSPNBackbon is not in the'),
                                             ('typo', "unexpected keyword argument 'num_stagez'")])
def test_runner_tools_name_the_config_error(files, tmp_path, capfd, tool, config, fragment):
    args = [files['good']] if tool == 'test' else []
    status, output = runner_tool(tool, capfd, *args, '--work-dir', tmp_path, config=str(files[config]))
    assert_one_line_error(status, output, f'{config}.py', fragment)


@pytest.mark.parametrize('checkpoint,fragments', [
    ('stages', ['one_stage.pth', 'missing keys']), ('keypoints', ['k14.pth', 'another shape']),
    ('truncated', ['truncated.pth', 'unreadable']), ('malicious', ['malicious.pth', 'refusing to load'])])
def test_test_tool_refuses_bad_checkpoints(files, tmp_path, capfd, checkpoint, fragments):
    status, output = runner_tool('test', capfd, files[checkpoint], '--work-dir', tmp_path)
    assert_one_line_error(status, output, *fragments)
    assert not files['marker'].exists()


def test_resume_and_load_from_refuse_a_malicious_checkpoint(files, tmp_path, capfd):
    for option in (['--resume', str(files['malicious'])], ['--cfg-options', f'load_from={files["malicious"]}']):
        status, output = runner_tool('train', capfd, '--work-dir', tmp_path, *option)
        assert_one_line_error(status, output, 'malicious.pth', 'refusing to load')
    assert not files['marker'].exists()


@pytest.mark.parametrize('detections,fragments', [
    ([], ['dets.json', 'non-empty list']), ('[{"image_id": 785', ['dets.json', 'malformed json']),
    ([dict(image_id=785, category_id=1, score=0.9)], ['dets.json', 'detection 0'])],
    ids=['empty detections file', 'malformed json', 'detection without bbox'])
def test_test_tool_refuses_unusable_detection_files(files, tmp_path, capfd, detections, fragments):
    dets = write_detections(tmp_path / 'dets.json', detections)
    status, output = runner_tool('test', capfd, files['good'], '--work-dir', tmp_path / 'work', '--cfg-options',
                                 f'test_dataloader.dataset.bbox_file={dets}')
    assert_one_line_error(status, output, *fragments)


def test_test_tool_drops_unusable_detections_and_completes(files, tmp_path, capfd):
    good = dict(image_id=785, category_id=1, bbox=BOX, score=0.9)
    detections = [good, dict(good, image_id=123456789), dict(good, score=float('nan')),
                  dict(good, bbox=[280, 44, 0, 347]), dict(good, bbox=[5000, 5000, 10, 10])]
    dets = write_detections(tmp_path / 'dets.json', detections)
    status, output = runner_tool('test', capfd, files['good'], '--work-dir', tmp_path / 'work', '--cfg-options',
                                 f'test_dataloader.dataset.bbox_file={dets}', 'test_evaluator.nms_mode=none')
    assert status == 0, output[-3000:]
    assert 'image id(s) not in' in output and 'NaN or inf values' in output and 'outside the image' in output
    assert json.loads((tmp_path / 'work/checked_dets.json').read_text()) == [good]
    assert 'coco/AP' in output


# ---- training annotations -----------------------------------------------------------------------------------

def test_training_set_drops_unusable_annotations(tmp_path):
    """MMPose's CocoDataset drops (without a log line) instances with no labelled keypoint or an empty box (zero,
    negative, or clipped to nothing outside the image); keypoints outside the image get zero target weight; a NaN
    box gives a sample with zero target weight (it cannot train anything) unless the half-body crop replaces the
    box by one around the labelled joints."""
    coco = json.loads((SAMPLES / 'test_coco.json').read_text())
    base = coco['annotations'][0]
    outside = list(base['keypoints'])
    outside[0:2] = [5000, -300]
    variants = dict(no_keypoints=dict(keypoints=[0] * 51, num_keypoints=0), zero_box=dict(bbox=[280, 44, 0, 300]),
                    negative_box=dict(bbox=[280, 44, -10, 300]), box_outside=dict(bbox=[5000, 5000, 50, 50]),
                    keypoints_outside=dict(keypoints=outside), nan_box=dict(bbox=[float('nan'), 44, 100, 300]))
    ids = {}
    for index, (name, change) in enumerate(variants.items()):
        ids[name] = 10_000 + index
        coco['annotations'].append(dict(copy.deepcopy(base), id=ids[name], **change))
    (tmp_path / 'ann.json').write_text(json.dumps(coco))
    cfg = Config.fromfile(TINY)
    init_default_scope('mmpose')
    dataset = DATASETS.build(dict(cfg.train_dataloader.dataset, data_root='', ann_file=str(tmp_path / 'ann.json'),
                                  data_prefix=dict(img=f'{SAMPLES}/')))
    kept = {dataset.get_data_info(i)['id']: i for i in range(len(dataset))}
    assert ids['keypoints_outside'] in kept and ids['nan_box'] in kept
    assert not {ids[name] for name in ('no_keypoints', 'zero_box', 'negative_box', 'box_outside')} & kept.keys()
    for name in ('keypoints_outside', 'nan_box'):
        for _ in range(10):  # whether the half-body crop re-centres the box is drawn at random
            sample = dataset[kept[ids[name]]]
            assert torch.isfinite(sample['inputs'].float()).all()
            assert torch.isfinite(sample['data_samples'].gt_fields.heatmaps).all()
            weights = sample['data_samples'].gt_instance_labels.keypoint_weights.sum()
            assert weights <= 16
            if name == 'nan_box':  # trains only when the half-body crop rebuilt the box from the joints
                assert weights == 0 or np.isfinite(sample['data_samples'].metainfo['input_center']).all()
