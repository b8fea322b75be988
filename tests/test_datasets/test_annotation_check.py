"""The annotation check on a copy of the bundled COCO samples: the clean copy passes; a broken copy (corrupt image,
missing image, wrong keypoint count, flag 3, box outside its image) has every planted defect named, and nothing
else."""
import json
import shutil
from pathlib import Path

import pytest

from helpers.configs import data_options
from helpers.paths import SAMPLE_CONFIG, SAMPLES
from helpers.tools import load_tool
from mspn_plugin.datasets.annotation_check import check_annotations

ANNOTATIONS = 'test_coco.json'


def sample_copy(folder: Path) -> Path:
    """The sample images and their annotations copied to ``folder``; returns the annotation file."""
    folder.mkdir()
    for path in SAMPLES.glob('*.jpg'):
        shutil.copy(path, folder / path.name)
    shutil.copy(SAMPLES / ANNOTATIONS, folder / ANNOTATIONS)
    return folder / ANNOTATIONS


def break_copy(ann_file: Path) -> dict[str, str]:
    """Plant one defect of each kind; returns the expected ``item`` for each kind."""
    content = json.loads(ann_file.read_text())
    images, people = content['images'], [a for a in content['annotations'] if a['num_keypoints'] > 0]
    (ann_file.parent / images[0]['file_name']).write_bytes(b'\xff\xd8 not a jpeg')
    (ann_file.parent / images[1]['file_name']).unlink()
    people[0]['keypoints'] = people[0]['keypoints'][:-3]
    people[1]['keypoints'][2] = 3
    image = next(i for i in images if i['id'] == people[2]['image_id'])
    people[2]['bbox'] = [image['width'] - 10.0, 5.0, 40.0, 40.0]
    ann_file.write_text(json.dumps(content))
    return {'unreadable image': f'image {images[0]["id"]}', 'missing image': f'image {images[1]["id"]}',
            'keypoint count': f'annotation {people[0]["id"]} (image {people[0]["image_id"]})',
            'visibility flag': f'annotation {people[1]["id"]} (image {people[1]["image_id"]})',
            'box': f'annotation {people[2]["id"]} (image {people[2]["image_id"]})'}


def test_the_clean_copy_passes(tmp_path):
    ann_file = sample_copy(tmp_path / 'clean')
    report = check_annotations(str(ann_file), str(ann_file.parent), num_keypoints=17)
    assert report.defects == [] and report.images == 4 and report.annotations > 0
    assert report.summary().endswith('no defects')


@pytest.mark.parametrize('workers', [1, 2])
def test_every_planted_defect_is_named(tmp_path, workers):
    ann_file = sample_copy(tmp_path / 'broken')
    expected = break_copy(ann_file)
    report = check_annotations(str(ann_file), str(ann_file.parent), num_keypoints=17, workers=workers)
    assert {d.kind: d.item for d in report.defects} == expected and len(report.defects) == len(expected)
    problems = {d.kind: str(d) for d in report.defects}
    assert 'has 16 keypoints, the metainfo defines 17' in problems['keypoint count']
    assert 'visibility flags [3.0]' in problems['visibility flag']
    assert 'outside the' in problems['box']
    assert problems['missing image'].endswith('file not found')
    assert problems['unreadable image'].endswith('cannot be decoded')


def test_another_keypoint_count_than_the_metainfo_flags_every_annotation(tmp_path):
    ann_file = sample_copy(tmp_path / 'clean')
    report = check_annotations(str(ann_file), str(ann_file.parent), num_keypoints=14)
    assert {d.kind for d in report.defects} == {'keypoint count'}
    assert len(report.defects) == report.annotations


def test_an_unreadable_annotation_file_is_one_defect(tmp_path):
    (tmp_path / 'bad.json').write_text('{"images": [')
    [defect] = check_annotations(str(tmp_path / 'bad.json'), str(tmp_path), num_keypoints=17).defects
    assert defect.kind == 'unreadable annotations' and str(defect).startswith(str(tmp_path / 'bad.json'))


def test_the_tool_and_train_name_the_defects_of_a_configs_files(tmp_path, capsys):
    ann_file = sample_copy(tmp_path / 'broken')
    expected = break_copy(ann_file)
    options = ['--cfg-options', *data_options(str(ann_file.parent), ANNOTATIONS)]
    assert load_tool('check_annotations').main([str(SAMPLE_CONFIG), '--workers', '2', *options]) == 1
    out = capsys.readouterr().out.splitlines()
    assert all(any(item in line for line in out) for item in expected.values())
    assert out[-1] == f'{ann_file}: 4 images, {len(json.loads(ann_file.read_text())["annotations"])} annotations: ' \
                      '5 defects (1 box, 1 keypoint count, 1 missing image, 1 unreadable image, 1 visibility flag)'
    status = load_tool('train').main([str(SAMPLE_CONFIG), '--work-dir', str(tmp_path / 'work'),
                                      '--check-annotations', *options])
    assert status == 1
    assert capsys.readouterr().err.strip().splitlines()[-1].startswith(f'error: {ann_file}: 4 images')
    assert not (tmp_path / 'work').exists() or not list((tmp_path / 'work').glob('*.pth'))
