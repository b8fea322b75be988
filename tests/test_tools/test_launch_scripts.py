"""Beyond one process, on one machine (127.0.0.1, CPU, gloo), through the README's commands: two simulated nodes,
elastic restarts, a real one-node Slurm cluster, and inference shared among processes.

Every run has a port of its own (29621 is the shared two-process training of conftest.py).
"""
import json
import os
import re
import shutil
import signal
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from helpers.checkpoints import save_random_checkpoint
from helpers.paths import SAMPLE_DETECTIONS, SAMPLES, TINY, TINY_RANK_PARAMS
from helpers.readme import fill, readme_command, run_readme
from helpers.tools import ONE_THREAD, load_tool, run, start
from mspn_plugin.apis import PosePredictor, inference_runner, run_topdown_inference
from mspn_plugin.datasets import DetectionFile

pytestmark = pytest.mark.slow
TIMEOUT = 300  # seconds any one run may take here
PYTHON = {'PYTHON': sys.executable}

MULTI_NODE = ('NNODES=NUM_NODES NODE_RANK=NODE_INDEX MASTER_ADDR=NODE0_HOST PORT=NODE0_PORT bash tools/dist_train.sh '
              'CONFIG NUM_GPUS --work-dir WORK_DIR')
ELASTIC = 'MAX_RESTARTS=NUM_RESTARTS bash tools/dist_train.sh CONFIG NUM_GPUS --work-dir WORK_DIR'
SLURM_TRAIN = ('GPUS=NUM_GPUS GPUS_PER_NODE=GPUS_ON_A_NODE CPUS_PER_TASK=NUM_CPUS bash tools/slurm_train.sh '
               'PARTITION JOB_NAME CONFIG WORK_DIR')
SLURM_TEST = ('GPUS=NUM_GPUS GPUS_PER_NODE=GPUS_ON_A_NODE CPUS_PER_TASK=NUM_CPUS bash tools/slurm_test.sh '
              'PARTITION JOB_NAME CONFIG CHECKPOINT')
DIST_INFER = ('bash tools/dist_infer.sh POSE_CONFIG POSE_CHECKPOINT INPUT NUM_GPUS --out-dir OUT_DIR '
              '--bboxes DETECTIONS')


def parameters(work_dir: Path, rank: int) -> dict:
    return torch.load(work_dir / f'params_rank{rank}.pth', weights_only=True)


def assert_same_parameters(work_dir: Path, reference: Path, rtol: float, atol: float) -> None:
    for rank in (0, 1):
        actual, expected = parameters(work_dir, rank), parameters(reference, rank)
        assert actual.keys() == expected.keys() and len(actual) > 100
        for key in expected:
            torch.testing.assert_close(actual[key], expected[key], rtol=rtol, atol=atol, msg=f'rank {rank}: {key}')


def assert_same_poses(actual: list[dict], expected: list[dict], image_key: str, atol: float) -> None:
    """The same COCO keypoint results as a set: one per (image, box), keypoints and scores within ``atol``."""
    def by_box(results: list[dict]) -> dict:
        return {(r[image_key], tuple(np.round(r['bbox'], 3))): r for r in results}

    actual_by_box, expected_by_box = by_box(actual), by_box(expected)
    assert len(actual_by_box) == len(actual) and len(expected) > 0
    assert actual_by_box.keys() == expected_by_box.keys()
    for key, result in expected_by_box.items():
        np.testing.assert_allclose(actual_by_box[key]['keypoints'], result['keypoints'], rtol=0, atol=atol,
                                   err_msg=str(key))
        assert abs(actual_by_box[key]['score'] - result['score']) <= atol, key


# ---- training -----------------------------------------------------------------------------------------------

def test_two_nodes_train_as_one_node_with_two_processes(two_process_run, tmp_path):
    """Two dist_train.sh invocations, NNODES=2 and NODE_RANK=0/1, one process each, end with the weights of one
    invocation with two processes; each node's process logs its rank."""
    command = readme_command(MULTI_NODE)

    def node(index: int) -> str:
        result = run('bash', '-c', fill(command, NUM_NODES=2, NODE_INDEX=index, NODE0_HOST='127.0.0.1',
                                        NODE0_PORT=29622, CONFIG=TINY_RANK_PARAMS, NUM_GPUS=1, WORK_DIR=tmp_path),
                     env=dict(ONE_THREAD, **PYTHON), timeout=TIMEOUT)
        return result.stdout + result.stderr

    with ThreadPoolExecutor(2) as pool:
        outputs = list(pool.map(node, (0, 1)))
    for index, output in enumerate(outputs):
        assert re.search(rf'rank {index} of 2 on \S+ \(node {index}, local rank 0, gloo\)', output), output[-2000:]
    assert_same_parameters(tmp_path, two_process_run.work_dir, rtol=0, atol=0)


def worker_pid(root: int, rank: int) -> int:
    """The pid of the tools/train.py process of ``rank`` among the descendants of process ``root``."""
    children = defaultdict(list)
    for stat in Path('/proc').glob('[0-9]*/stat'):
        try:
            children[int(stat.read_text().rsplit(')', 1)[1].split()[1])].append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):  # a process that just ended
            continue
    todo = list(children[root])
    while todo:
        pid = todo.pop()
        todo += children[pid]
        try:
            environ = Path(f'/proc/{pid}/environ').read_bytes().split(b'\0')
            cmdline = Path(f'/proc/{pid}/cmdline').read_bytes()
        except OSError:
            continue
        if f'RANK={rank}'.encode() in environ and b'tools/train.py' in cmdline:
            return pid
    raise AssertionError(f'no training process of rank {rank} under {root}')


def test_a_killed_process_is_restarted_and_the_run_ends_as_an_uninterrupted_one(two_process_run, tmp_path):
    """MAX_RESTARTS=1: rank 0 SIGKILLed once the second checkpoint exists; torchrun restarts both processes, which
    resume from the last complete checkpoint and end with the uninterrupted run's weights."""
    work_dir, log = tmp_path / 'work', tmp_path / 'torchrun.log'
    command = fill(readme_command(ELASTIC), NUM_RESTARTS=1,
                   CONFIG=TINY_RANK_PARAMS, NUM_GPUS=2, WORK_DIR=work_dir)
    process = start('bash', '-c', command, log=log, env=dict(ONE_THREAD, PORT=29623, **PYTHON))
    try:
        deadline = time.monotonic() + TIMEOUT
        while not (work_dir / 'iter_4.pth').exists():
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.05)
        os.kill(worker_pid(process.pid, rank=0), signal.SIGKILL)
        assert process.wait(timeout=TIMEOUT) == 0, log.read_text()[-3000:]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    output = log.read_text()
    assert 'rank 0: torchrun restarted the workers (restart 1): resuming from the last complete checkpoint' in output
    # iteration 2 when the kill came between iter_4.pth and the last_checkpoint naming it, else 4 or 6
    resumed = re.search(r'resumed epoch: 0, iter: (\d+)\b', output)
    assert resumed and int(resumed[1]) in (2, 4, 6), output[-3000:]
    assert_same_parameters(work_dir, two_process_run.work_dir, rtol=1e-5, atol=1e-6)


# ---- Slurm --------------------------------------------------------------------------------------------------

def results_config(tmp_path: Path, name: str) -> Path:
    """The tiny config with its test results kept in ``tmp_path/name.keypoints.json``."""
    path = tmp_path / f'{name}.py'
    path.write_text(f"_base_ = ['{TINY}']\ntest_evaluator = dict(outfile_prefix='{tmp_path / name}')\n")
    return path


def coco_ap(output: str) -> float:
    return float(re.findall(r'coco/AP: ([0-9.]+)', output)[-1])


@pytest.mark.slurm
def test_slurm_scripts_train_and_evaluate_like_the_single_process_tools(slurm_cluster, tmp_path, capfd):
    """slurm_train.sh trains the tiny config with 2 tasks (CPU, gloo) through the real srun; slurm_test.sh evaluates
    the checkpoint with the AP and the keypoints of tools/test.py."""
    work_dir = tmp_path / 'work'
    tasks = dict(NUM_GPUS=2, GPUS_ON_A_NODE=0, NUM_CPUS=1, PARTITION='debug')
    trained = run_readme(SLURM_TRAIN,
                         JOB_NAME='mspn-train', CONFIG=TINY, WORK_DIR=work_dir,
                         env=dict(slurm_cluster, PORT=29624, **PYTHON), **tasks)
    output = trained.stdout + trained.stderr
    assert re.search(r'rank 0 of 2 on \S+ \(node 0, local rank 0, gloo\)', output), output[-3000:]
    assert re.search(r'rank 1 of 2 on \S+ \(node 0, local rank 1, gloo\)', output), output[-3000:]
    checkpoint = work_dir / 'iter_4.pth'
    tested = run_readme(SLURM_TEST,
                        JOB_NAME='mspn-test', CONFIG=results_config(tmp_path, 'slurm'), CHECKPOINT=checkpoint,
                        env=dict(slurm_cluster, PORT=29625, **PYTHON), **tasks)
    capfd.readouterr()
    status = load_tool('test').main([str(results_config(tmp_path, 'single')), str(checkpoint), '--work-dir',
                                     str(tmp_path / 'single')])
    single = capfd.readouterr()
    assert status == 0
    assert coco_ap(tested.stdout + tested.stderr) == coco_ap(single.out + single.err)
    assert_same_poses(*(json.loads((tmp_path / f'{name}.keypoints.json').read_text()) for name in ('slurm', 'single')),
                      image_key='image_id', atol=1e-4)


# ---- inference ----------------------------------------------------------------------------------------------

@pytest.fixture(scope='module')
def random_checkpoint(tmp_path_factory) -> Path:
    return save_random_checkpoint(TINY, tmp_path_factory.mktemp('checkpoint') / 'tiny_random.pth')


@pytest.fixture(scope='module')
def images(tmp_path_factory) -> Path:
    """The sample images and an unreadable one that sorts last (the second of two processes takes it)."""
    folder = tmp_path_factory.mktemp('images')
    for image in SAMPLES.glob('*.jpg'):
        shutil.copy(image, folder)
    (folder / 'zz_unreadable.jpg').write_bytes(b'not an image')
    return folder


@pytest.fixture(scope='module')
def estimator(random_checkpoint) -> PosePredictor:
    """The tiny model with random weights, for single-process runs in this process (flip test on, as the CLI)."""
    return PosePredictor(str(TINY), str(random_checkpoint), device='cpu')


def test_distributed_inference_merges_the_single_process_predictions(estimator, random_checkpoint, images,
                                                                     tmp_path):
    """dist_infer.sh with 2 processes on a folder gives the predictions of one process on an image list of the same
    files; the second process's unreadable image is in the merged skipped.json; no part is left."""
    image_list = tmp_path / 'lists/images.txt'
    image_list.parent.mkdir()
    image_list.write_text('# the sample images\n' + '\n'.join(os.path.relpath(p, image_list.parent)
                                                              for p in sorted(images.iterdir())) + '\n')
    summary = run_topdown_inference(estimator, DetectionFile(str(SAMPLE_DETECTIONS)), str(image_list),
                                    str(tmp_path / 'single'), progress=False)
    out = tmp_path / 'distributed'
    result = run_readme(DIST_INFER, POSE_CONFIG=TINY, POSE_CHECKPOINT=random_checkpoint,
                        INPUT=images, NUM_GPUS=2, OUT_DIR=out, DETECTIONS=SAMPLE_DETECTIONS,
                        env=dict(PORT=29626, **PYTHON))
    output = result.stdout + result.stderr
    assert re.search(r'rank 0 of 2 on \S+ \(pid \d+\): images 1-3 of 5 in ', output), output[-3000:]
    assert re.search(r'rank 1 of 2 on \S+ \(pid \d+\): images 4-5 of 5 in ', output), output[-3000:]
    assert 'pose estimation, rank 1/2' in output

    single, merged = (json.loads((tmp_path / name / 'predictions.json').read_text())
                      for name in ('single', 'distributed'))
    assert_same_poses(merged, single, image_key='file_name', atol=1e-5)
    assert [p['file_name'] for p in merged] == [p['file_name'] for p in single]  # input order kept
    skipped = json.loads((out / 'skipped.json').read_text())
    assert list(skipped) == list(summary['skipped']) == ['zz_unreadable.jpg']
    assert 'cannot be decoded' in skipped['zz_unreadable.jpg']
    assert sorted(p.name for p in out.iterdir()) == ['predictions.json', 'skipped.json', 'vis']
    assert sorted(p.name for p in (out / 'vis').iterdir()) == sorted(p.name for p in SAMPLES.glob('*.jpg'))


def write_video(path: Path, frames: int) -> Path:
    """A video of a sample image with the frame number written on each frame (every frame differs)."""
    image = cv2.resize(cv2.imread(str(SAMPLES / '000000000785.jpg')), (320, 212))
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'mp4v'), 5, (320, 212))
    for index in range(frames):
        frame = image.copy()
        cv2.putText(frame, str(index), (10, 200), cv2.FONT_HERSHEY_SIMPLEX, 2, (255, 255, 255), 4)
        writer.write(frame)
    writer.release()
    return path


def video_frames(path: Path) -> np.ndarray:
    capture = cv2.VideoCapture(str(path))
    frames = []
    while (frame := capture.read()[1]) is not None:
        frames.append(frame.astype(np.float32))
    capture.release()
    return np.stack(frames)


def test_distributed_inference_on_a_video_draws_one_video_in_frame_order(estimator, tmp_path, monkeypatch):
    """Two ranks on a 5-frame video, simulated in this process one after the other (their barrier and broadcast
    are no-ops here; the test above runs them for real): the predictions are the single process's, track ids
    included (the second rank's ids joined to the first's), and so is the drawing, frame by frame (drawn by rank 0
    once the ids are joined)."""
    video = write_video(tmp_path / 'clip.mp4', frames=5)
    detections = tmp_path / 'clip_detections.json'
    detections.write_text(json.dumps([dict(file_name=f'clip_{i:06d}', bbox=[120, 20, 110, 180], score=0.9,
                                           category_id=1) for i in range(5)]))
    single = run_topdown_inference(estimator, DetectionFile(str(detections)), str(video), str(tmp_path / 'single'),
                                   progress=False)
    out = tmp_path / 'distributed'
    monkeypatch.setattr(inference_runner.dist, 'barrier', lambda: None)
    monkeypatch.setattr(inference_runner.dist, 'broadcast_object_list', lambda objects, src: None)
    for rank in (1, 0):  # rank 0 merges once both parts exist
        monkeypatch.setattr(inference_runner, 'get_dist_info', lambda rank=rank: (rank, 2))
        summary = run_topdown_inference(estimator, DetectionFile(str(detections)), str(video), str(out),
                                        progress=False)
    untimed = [{k: v for k, v in s.items() if k != 'seconds'} for s in (summary, single)]
    assert untimed[0] == untimed[1] and single['processed'] == 5 and single['tracks'] == 1
    merged, expected = (json.loads((path / 'predictions.json').read_text()) for path in (out, tmp_path / 'single'))
    assert_same_poses(merged, expected, image_key='file_name', atol=1e-5)
    assert [p['track_id'] for p in merged] == [p['track_id'] for p in expected] == [0] * 5
    assert sorted(p.name for p in out.iterdir()) == ['predictions.json', 'tracks.json', 'vis']
    assert json.loads((out / 'tracks.json').read_text()) == json.loads((tmp_path / 'single/tracks.json').read_text())
    assert sorted(p.name for p in (out / 'vis').iterdir()) == ['clip.mp4']
    joined, expected = video_frames(out / 'vis/clip.mp4'), video_frames(tmp_path / 'single/vis/clip.mp4')
    assert joined.shape == expected.shape == (5, 212, 320, 3)
    differences = np.abs(joined[:, None] - expected[None]).mean(axis=(2, 3, 4))  # (joined frame, single frame)
    assert (differences.argmin(axis=1) == np.arange(5)).all() and differences.diagonal().max() < 1.0


def test_a_killed_distributed_inference_leaves_no_predictions(random_checkpoint, tmp_path):
    """SIGKILL to the whole torchrun process group once the first drawing exists: no predictions.json, partial or
    not."""
    folder = tmp_path / 'images'
    folder.mkdir()
    by_id = defaultdict(list)
    for det in json.loads(SAMPLE_DETECTIONS.read_text()):
        by_id[det['image_id']].append(det)
    detections = []
    for copy in range(4):  # 16 images, 8 a process: time to be killed midway
        for image in SAMPLES.glob('*.jpg'):
            shutil.copy(image, folder / f'{copy}_{image.name}')
            detections += [dict(det, file_name=f'{copy}_{image.name}') for det in by_id[int(image.stem)]]
    (tmp_path / 'detections.json').write_text(json.dumps(detections))
    out, log = tmp_path / 'out', tmp_path / 'torchrun.log'
    process = start('bash', 'tools/dist_infer.sh', TINY, random_checkpoint, folder, 2, '--out-dir', out, '--bboxes',
                    tmp_path / 'detections.json', log=log, env=dict(PORT=29628, **PYTHON))
    try:
        deadline = time.monotonic() + TIMEOUT
        while not (out / 'vis').is_dir() or not any((out / 'vis').iterdir()):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.02)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert len(list((out / 'vis').iterdir())) < 16, 'the run ended before it could be killed'
    assert not (out / 'predictions.json').exists() and not list(out.glob('*partial*'))


def test_an_error_leaves_the_results_so_far_in_a_partial_file(estimator, tmp_path, warnings_logged):
    """A single process stopped by an error writes no predictions.json: the results so far go to
    predictions.partial.json, with a warning naming it."""
    detections = DetectionFile(str(SAMPLE_DETECTIONS))

    def boxes(image: np.ndarray, name: str) -> np.ndarray:
        if name == '000000196141.jpg':  # the third image
            raise RuntimeError('the detector crashed')
        return detections(image, name)

    with pytest.raises(RuntimeError, match='the detector crashed'):
        run_topdown_inference(estimator, boxes, str(SAMPLES), str(tmp_path), draw=False, progress=False)
    assert not (tmp_path / 'predictions.json').exists()
    partial = json.loads((tmp_path / 'predictions.partial.json').read_text())
    assert {p['file_name'] for p in partial} == {'000000000785.jpg', '000000040083.jpg'}
    assert any(str(tmp_path / 'predictions.partial.json') in message for message in warnings_logged)
