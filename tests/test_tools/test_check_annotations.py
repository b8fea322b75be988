"""tools/check_annotations.py: every planted defect printed, a summary, exit status 1; the clean copy passes."""
import json

from helpers.tools import load_tool
from mspn_plugin.testing.keypoint_dataset import make_keypoint_dataset

check_tool = load_tool('check_annotations')


def test_clean_then_defective(tmp_path, capsys):
    made = make_keypoint_dataset(tmp_path, num_keypoints=5, num_images=3)
    args = (str(made.ann_file), '--img-dir', str(made.img_dir), '--metainfo', str(made.metainfo_file))
    assert check_tool.main(list(args)) == 0
    assert capsys.readouterr().out.strip() == f'{made.ann_file}: 3 images, 6 annotations, 0 defects'

    coco = json.loads(made.ann_file.read_text())
    (made.img_dir / coco['images'][2]['file_name']).unlink()
    coco['annotations'][0]['keypoints'][5] = 3
    made.ann_file.write_text(json.dumps(coco))
    assert check_tool.main(list(args)) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1] == f'{made.ann_file}: 3 images, 6 annotations, 2 defects'
    assert any('000003.jpg: missing image file' in line for line in lines)
    assert any('annotation 1 (image 1): visibility flags [3]' in line for line in lines)


def test_missing_metainfo_is_one_line_error(tmp_path, capsys):
    made = make_keypoint_dataset(tmp_path, num_keypoints=5, num_images=1)
    assert check_tool.main([str(made.ann_file), '--img-dir', str(made.img_dir),
                            '--metainfo', str(tmp_path / 'no.py')]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith('error: ') and '\n' not in err
    assert str(tmp_path / 'no.py') in err
