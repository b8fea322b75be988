"""tools/infer.py and the inference API on real images: detection files, a detector, bad files, MMPose's inferencer."""
import json
import re
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmpose.datasets import CocoDataset

from helpers.paths import DETECTOR_CONFIG as DET_CONFIG
from helpers.paths import SAMPLE_CONFIG as CONFIG
from helpers.paths import SAMPLE_DETECTIONS as DETECTIONS
from helpers.paths import SAMPLES
from helpers.readme import run_readme
from helpers.tools import load_tool
from mspn_plugin.apis import BOX_NMS_THR, OKS_NMS_THR, PersonDetector, PosePredictor, run_topdown_inference
from mspn_plugin.codecs import CoarseToFineHeatmap
from mspn_plugin.datasets import DetectionFile, valid_boxes
from mspn_plugin.evaluation import coco_keypoint_ap
from mspn_plugin.testing.random_weights import save_random_person_detector

pytestmark = pytest.mark.slow
infer = load_tool('infer')
DETECTOR_ROUTE = ('.venv/bin/python tools/infer.py CONFIG CHECKPOINT INPUT --out-dir OUT_DIR --det-config DET_CONFIG '
                  '--det-checkpoint DET_CHECKPOINT')


@pytest.fixture(scope='module')
def checkpoint(demo) -> Path:
    """The demo's trained sample model."""
    return demo.checkpoint


@pytest.fixture(scope='module')
def detector_checkpoint(tmp_path_factory) -> Path:
    """RTMDet-tiny with random weights biased towards boxes of people (no weights can be downloaded here)."""
    return save_random_person_detector(DET_CONFIG, tmp_path_factory.mktemp('det') / 'rtmdet_random.pth')


def test_infer_cli_predictions_score_as_the_test_tool(demo, tmp_path):
    """The README's tools/infer.py command on the sample images with the bundled detections, duplicates kept (the
    evaluation setting), gives the AP that the demo's evaluation through the runner (tools/test.py's code path)
    gave for the same checkpoint."""
    run_readme('.venv/bin/python tools/infer.py CONFIG CHECKPOINT INPUT --out-dir OUT_DIR --bboxes DETECTIONS',
               CONFIG=CONFIG, CHECKPOINT=demo.checkpoint, INPUT=SAMPLES, OUT_DIR=tmp_path / 'out',
               DETECTIONS=DETECTIONS, extra='--det-score-thr 0 --no-box-nms --no-oks-nms')
    infer_ap = coco_keypoint_ap(str(tmp_path / 'out/predictions.json'), str(SAMPLES / 'test_coco.json'),
                                CocoDataset._load_metainfo()['sigmas'])
    test_ap = float(re.search(r'bundled detections: +([0-9.]+)', demo.output)[1])
    print(f'infer AP {infer_ap:.4f}, test AP {test_ap:.4f}')
    assert test_ap > 0.5
    assert abs(infer_ap - test_ap) <= 0.01
    predictions = json.loads((tmp_path / 'out/predictions.json').read_text())
    assert {p['file_name'] for p in predictions} == {p.name for p in SAMPLES.glob('*.jpg')}
    assert all(len(p['keypoints']) == 51 and len(p['bbox']) == 4 and 'image_id' in p for p in predictions)
    assert sorted(p.name for p in (tmp_path / 'out/vis').iterdir()) == sorted(p.name for p in SAMPLES.glob('*.jpg'))


def test_saved_heatmaps_of_every_stage_decode_to_the_predictions(checkpoint, tmp_path):
    """--save-heatmaps writes, per image, every stage's heatmaps of every person (flip test on); decoding the last
    stage's with the config's codec and mapping the cells to the image through the saved crop gives the keypoints of
    predictions.json (which the fast path, without heatmaps, gives too); the earlier stage's are its own."""
    common = [str(CONFIG), str(checkpoint), str(SAMPLES), '--bboxes', str(DETECTIONS), '--no-vis']
    assert infer.main([*common, '--out-dir', str(tmp_path / 'maps'), '--save-heatmaps']) == 0
    assert infer.main([*common, '--out-dir', str(tmp_path / 'plain')]) == 0
    predictions = json.loads((tmp_path / 'maps/predictions.json').read_text())
    plain = json.loads((tmp_path / 'plain/predictions.json').read_text())
    np.testing.assert_allclose([p['keypoints'] for p in predictions], [p['keypoints'] for p in plain], atol=1e-3)
    saved = sorted((tmp_path / 'maps/heatmaps').iterdir())
    assert [p.name for p in saved] == sorted(f'{p.stem}.npz' for p in SAMPLES.glob('*.jpg'))
    codec = CoarseToFineHeatmap(**{k: v for k, v in Config.fromfile(CONFIG).codec.items() if k != 'type'})
    for path in saved:
        maps = np.load(path)
        people = [p for p in predictions if p['file_name'] == f'{path.stem}.jpg']
        assert maps['heatmaps'].shape == (len(people), 2, 17, *codec.heatmap_size[::-1])
        for person, prediction in enumerate(people):
            in_input = codec.decode(maps['heatmaps'][person, -1])[0][0]
            scale, center = maps['input_scale'][person], maps['input_center'][person]
            in_image = in_input / maps['input_size'] * scale + center - scale / 2
            np.testing.assert_allclose(in_image, np.reshape(prediction['keypoints'], (17, 3))[:, :2], atol=1e-2)
            assert not np.allclose(maps['heatmaps'][person, 0], maps['heatmaps'][person, 1])


def test_folder_with_a_corrupt_file_and_a_person_free_image(checkpoint, tmp_path):
    folder = tmp_path / 'images'
    folder.mkdir()
    for image in SAMPLES.glob('*.jpg'):
        shutil.copy(image, folder)
    (folder / 'broken.jpg').write_bytes(b'\xff\xd8\xff\xe0 definitely not a jpeg')
    cv2.imwrite(str(folder / 'no_person.png'), np.full((120, 160, 3), 127, np.uint8))
    estimator = PosePredictor(str(CONFIG), str(checkpoint), flip=False)
    summary = run_topdown_inference(estimator, DetectionFile(str(DETECTIONS)), str(folder), str(tmp_path / 'out'),
                                    progress=False)
    assert set(summary['skipped']) == {'broken.jpg'} and 'cannot be decoded' in summary['skipped']['broken.jpg']
    assert summary['processed'] == 5 and summary['without_people'] == ['no_person.png']
    predictions = json.loads((tmp_path / 'out/predictions.json').read_text())
    assert predictions and not [p for p in predictions if p['file_name'] == 'no_person.png']
    assert json.loads((tmp_path / 'out/skipped.json').read_text()) == summary['skipped']
    assert (tmp_path / 'out/vis/no_person.png').exists()


def test_bad_boxes_are_dropped(checkpoint, tmp_path):
    image = cv2.imread(str(SAMPLES / '000000000785.jpg'))
    boxes = np.array([[280, 44, 500, 391, 0.9], [10, 10, 10, 50, 0.9], [900, 900, 950, 990, 0.9],
                      [280, 44, 500, 391, np.nan]], np.float32)
    estimator = PosePredictor(str(CONFIG), str(checkpoint), flip=False)
    kept = valid_boxes(boxes, image.shape, 'test image')
    np.testing.assert_array_equal(kept, boxes[:1])
    poses = estimator(image, kept)
    assert len(poses) == 1 and poses.keypoints.shape == (1, 17, 2)
    assert len(estimator(image, kept[:0])) == 0


@pytest.mark.parametrize('box_nms_thr, oks_nms_thr, poses', [(BOX_NMS_THR, OKS_NMS_THR, 2), (None, OKS_NMS_THR, 2),
                                                            (BOX_NMS_THR, None, 2), (None, None, 4)])
def test_duplicate_detections_of_one_person_give_one_pose(checkpoint, box_nms_thr, oks_nms_thr, poses):
    """Three boxes on the one person of a sample image (its annotated box, shifted and enlarged copies) and one on
    the background beside it: one pose for the person by box NMS, by OKS-NMS or by both (the defaults); four
    with both off (the evaluation setting)."""
    image = cv2.imread(str(SAMPLES / '000000000785.jpg'))
    person = np.array([281, 45, 500, 392], np.float32)
    boxes = np.array([[*person, 0.95], [*(person + [8, -6, 14, 4]), 0.9], [*(person + [-10, 5, -4, 12]), 0.8],
                      [10, 60, 200, 380, 0.7]], np.float32)
    estimator = PosePredictor(str(CONFIG), str(checkpoint), box_nms_thr=box_nms_thr, oks_nms_thr=oks_nms_thr)
    found = estimator(image, boxes)
    assert len(found) == poses
    np.testing.assert_array_equal(found.boxes[0], boxes[0])  # the best-scored box of the person is the one kept
    if poses == 2:
        np.testing.assert_array_equal(found.boxes[1], boxes[3])


def test_detector_route_end_to_end(checkpoint, detector_checkpoint, tmp_path):
    detector = PersonDetector(str(DET_CONFIG), str(detector_checkpoint), score_thr=0.0,
                              cfg_options={'model.test_cfg.max_per_img': 3})
    estimator = PosePredictor(str(CONFIG), str(checkpoint), flip=False)
    image = cv2.imread(str(SAMPLES / '000000040083.jpg'))
    boxes = detector(image, '000000040083.jpg')
    assert boxes.shape[1] == 5 and 0 < len(boxes) <= 3
    summary = run_topdown_inference(estimator, detector, str(SAMPLES), str(tmp_path / 'out'), progress=False)
    predictions = json.loads((tmp_path / 'out/predictions.json').read_text())
    assert summary['processed'] == 4 and len(predictions) == summary['poses'] > 0
    assert all(len(p['keypoints']) == 51 for p in predictions)


def test_infer_cli_detector_route_and_video(checkpoint, detector_checkpoint, tmp_path):
    video = tmp_path / 'clip.mp4'
    frame = cv2.resize(cv2.imread(str(SAMPLES / '000000000785.jpg')), (320, 212))
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*'mp4v'), 5, (320, 212))
    for _ in range(3):
        writer.write(frame)
    writer.release()
    result = run_readme(DETECTOR_ROUTE, CONFIG=CONFIG, CHECKPOINT=checkpoint, INPUT=video, OUT_DIR=tmp_path / 'out',
                        DET_CONFIG=DET_CONFIG, DET_CHECKPOINT=detector_checkpoint, extra='--det-score-thr 0.0')
    out = result.stdout
    assert json.loads(out[out.index('{'):out.rindex('}') + 1])['processed'] == 3
    assert (tmp_path / 'out/vis/clip.mp4').stat().st_size > 0


def test_missing_checkpoints_are_errors_not_random_weights(tmp_path, capsys):
    status = infer.main([str(CONFIG), str(tmp_path / 'none.pth'), str(SAMPLES), '--out-dir', str(tmp_path),
                         '--bboxes', str(DETECTIONS)])
    assert status == 1 and 'none.pth does not exist' in capsys.readouterr().err
    with pytest.raises(SystemExit):
        infer.main([str(CONFIG), str(tmp_path / 'none.pth'), str(SAMPLES), '--out-dir', str(tmp_path),
                    '--det-config', str(DET_CONFIG)])
    assert '--det-checkpoint' in capsys.readouterr().err


def test_mmpose_inferencer_with_our_config(checkpoint, detector_checkpoint):
    from mmengine.registry import DefaultScope
    from mmpose.apis import MMPoseInferencer

    # MMPose's inferencer leaves MMDetection's scope current; the context restores the scope for the next tests
    with DefaultScope.overwrite_default_scope('mmpose'):
        inferencer = MMPoseInferencer(pose2d=str(CONFIG), pose2d_weights=str(checkpoint),
                                      det_model=str(DET_CONFIG), det_weights=str(detector_checkpoint),
                                      det_cat_ids=[0], device='cpu')
        result = next(inferencer(str(SAMPLES / '000000000785.jpg'), bbox_thr=0.0))
    people = result['predictions'][0]
    assert people and all(len(person['keypoints']) == 17 for person in people)
