"""tools/infer.py on videos, through the README's commands: track ids on the synthetic crossing scene with the
demo's trained model, smoothing, and a live stream faster than the model, stopped by Ctrl-C."""
import itertools
import json
import re
import signal
import time
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np
import pytest

from helpers.mjpeg_stream import MJPEGStream
from helpers.paths import DATA, DETECTOR_CONFIG, SAMPLE_CONFIG, SAMPLES
from helpers.readme import fill, readme_command, run_readme
from helpers.tools import start
from mspn_plugin.testing.random_weights import save_random_person_detector
from mspn_plugin.testing.synthetic_video import crossing_scene

pytestmark = pytest.mark.slow
TRACKED_VIDEO = '.venv/bin/python tools/infer.py CONFIG CHECKPOINT VIDEO --out-dir OUT_DIR --bboxes DETECTIONS --smooth'
LIVE = ('.venv/bin/python tools/infer.py CONFIG CHECKPOINT CAMERA --out-dir OUT_DIR --det-config DET_CONFIG '
        '--det-checkpoint DET_CHECKPOINT --show')
MAX_MISSING = 5  # the scene's short miss (3 frames) and the leaver's exit (4) are shorter, the long miss (8) longer
TIMEOUT = 300  # seconds the live run may take to start and to stop
FOUR_PEOPLE_DETECTOR = DATA / 'configs/rtmdet_tiny_4_people.py'  # at most 4 of the random detector's boxes


@pytest.fixture(scope='module')
def scene():
    """The crossing scene in 32 frames: misses of 3 and 8 frames, an exit of 4."""
    return crossing_scene(SAMPLES, frames=32)


def video_frames(path: Path) -> int:
    capture = cv2.VideoCapture(str(path))
    count = 0
    while capture.read()[0]:
        count += 1
    capture.release()
    return count


def jitter(track: np.ndarray) -> float:
    """Mean frame-to-frame displacement of keypoints (T, K, 2)."""
    return float(np.linalg.norm(np.diff(track, axis=0), axis=-1).mean())


def test_track_ids_follow_the_people_of_a_video(demo, scene, tmp_path):
    """The crossing scene (people pasted from the sample images, moving along known paths) with its ground-truth
    boxes as detections, through the defaults: every pose has a track id and a frame index; ids are kept through a
    3-frame miss and a 4-frame exit, a new one comes after an 8-frame miss, none is reused; tracks.json and the
    drawn video match. Where the crossing pair overlaps, the occluded person's box is a duplicate to box NMS."""
    video = scene.write_video(tmp_path / 'scene.mp4')
    detections = tmp_path / 'scene_detections.json'
    detections.write_text(json.dumps(scene.detections('scene')))
    out = tmp_path / 'out'
    run_readme(TRACKED_VIDEO, CONFIG=SAMPLE_CONFIG, CHECKPOINT=demo.checkpoint, VIDEO=video, OUT_DIR=out,
               DETECTIONS=detections, extra=f'--track-max-missing {MAX_MISSING}')
    predictions = json.loads((out / 'predictions.json').read_text())
    assert {p['frame_index'] for p in predictions} == set(range(scene.num_frames))
    # which person each pose is: its box is that person's detection box
    ids, raw, smooth = defaultdict(dict), defaultdict(list), defaultdict(list)
    for p in predictions:
        x, y, w, h = p['bbox']
        person = next(person for person in scene.detected(p['frame_index'])
                      if np.allclose(scene.detection_box(person, p['frame_index']), [x, y, x + w, y + h], atol=1e-3))
        ids[person.name][p['frame_index']] = p['track_id']
        raw[person.name].append(np.reshape(p['raw_keypoints'], (-1, 3))[:, :2])
        smooth[person.name].append(np.reshape(p['keypoints'], (-1, 3))[:, :2])
    for person in scene.people:
        detected = [t for t in range(scene.num_frames) if person in scene.detected(t)]
        if person.name in ('still', 'leaver'):  # they overlap nobody: a pose wherever they are detected
            assert sorted(ids[person.name]) == detected
        else:
            print(f'{person.name}: poses in {len(ids[person.name])} of the {len(detected)} frames it is detected in')

    def switches(name: str) -> int:
        return sum(a != b for a, b in itertools.pairwise(ids[name][t] for t in sorted(ids[name])))

    still = ids['still']
    long_miss_end = max(set(range(scene.num_frames)) - set(still))
    before = {i for t, i in still.items() if t < long_miss_end}
    after = {i for t, i in still.items() if t > long_miss_end}
    print(f'id switches: still {switches("still")} (1 expected, after the 8-frame miss), leaver '
          f'{switches("leaver")}, crossing pair {switches("left")} + {switches("right")}')
    assert len(before) == 1 and len(after) == 1 and before != after
    assert switches('leaver') == 0
    stretch_ids = [*before, *after, ids['leaver'][0], ids['left'][0], ids['right'][0]]
    assert len(set(stretch_ids)) == 5, 'ids are never reused'

    tracks = {t['track_id']: t for t in json.loads((out / 'tracks.json').read_text())}
    by_id = defaultdict(list)
    for p in predictions:
        by_id[p['track_id']].append(p['frame_index'])
    assert {i: (t['first_frame'], t['last_frame'], t['frames']) for i, t in tracks.items()} == {
        i: (min(frames), max(frames), len(frames)) for i, frames in by_id.items()}
    assert video_frames(out / 'vis/scene.mp4') == scene.num_frames

    # smoothing: the network's keypoints stay in raw_keypoints; the standing person jitters less once smoothed
    still_raw, still_smooth = np.stack(raw['still'][:8]), np.stack(smooth['still'][:8])
    print(f'standing person: jitter {jitter(still_raw):.2f} px raw, {jitter(still_smooth):.2f} px smoothed')
    assert jitter(still_smooth) < jitter(still_raw)


@pytest.fixture(scope='module')
def detector_checkpoint(tmp_path_factory) -> Path:
    return save_random_person_detector(DETECTOR_CONFIG, tmp_path_factory.mktemp('det') / 'rtmdet_random.pth')


def progress(log: Path) -> int:
    """Frames processed so far, from the progress bar in the log."""
    counts = re.findall(r'(\d+)frame \[', log.read_text(errors='replace'))
    return int(counts[-1]) if counts else 0


def test_a_live_stream_faster_than_the_model_drops_frames_and_stops_cleanly_on_ctrl_c(demo, scene,
                                                                                       detector_checkpoint, tmp_path):
    """The scene served as an MJPEG stream at 50 frames/s on 127.0.0.1 (a network camera); Ctrl-C once a few
    frames are processed: the run ends normally, having dropped frames, and leaves valid outputs (predictions with
    frame indices, tracks, a readable video of every processed frame); no display here, so --show only warns."""
    out, log = tmp_path / 'out', tmp_path / 'live.log'
    with MJPEGStream(lambda i: scene.frame(i % scene.num_frames), count=100_000, fps=50) as stream:
        command = fill(readme_command(LIVE), CONFIG=SAMPLE_CONFIG, CHECKPOINT=demo.checkpoint, CAMERA=stream.url,
                       OUT_DIR=out, DET_CONFIG=FOUR_PEOPLE_DETECTOR, DET_CHECKPOINT=detector_checkpoint)
        process = start('bash', '-c', f'exec {command}', log=log, env={'DISPLAY': ''})
        try:
            deadline = time.monotonic() + TIMEOUT
            while progress(log) < 3:
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(0.1)
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=TIMEOUT) == 0, log.read_text()[-3000:]
        finally:
            process.kill()
    output = log.read_text()
    summary = json.loads(output[output.index('{\n "processed"'):output.rindex('}') + 1])
    live = summary['live']
    print(f'live: {live}')
    assert 'no display' in output and 'interrupted' in output
    assert live['processed'] == summary['processed'] >= 3 and live['dropped'] > 0
    assert live['received'] == live['processed'] + live['dropped'] <= stream.sent
    assert re.search(rf'live input: {live["received"]} frames received, {live["processed"]} processed, '
                     rf'{live["dropped"]} dropped; latency [0-9.]+ s median, [0-9.]+ s max', output)
    predictions = json.loads((out / 'predictions.json').read_text())
    frames = sorted({p['frame_index'] for p in predictions})
    assert frames and frames[-1] < live['received'] and all(p['file_name'].startswith('stream_') for p in predictions)
    assert {t['track_id'] for t in json.loads((out / 'tracks.json').read_text())} == {
        p['track_id'] for p in predictions}
    assert video_frames(out / 'vis/stream.mp4') == live['processed']
