"""A 5-keypoint dataset made from the bundled COCO sample: metainfo file and COCO-format annotations.

Keypoints, in channel order: left_shoulder, right_shoulder, nose (COCO's 5, 6, 0: found by name in a COCO
checkpoint) and hip_l, hip_r (COCO's 11, 12 under names COCO does not have).
"""
import json
from pathlib import Path

from helpers.paths import SAMPLE_ANNOTATIONS

COCO_ROWS = [5, 6, 0, 11, 12]
NAMES = ['left_shoulder', 'right_shoulder', 'nose', 'hip_l', 'hip_r']
SWAPS = ['right_shoulder', 'left_shoulder', '', 'hip_r', 'hip_l']
SIGMAS = [0.079, 0.079, 0.026, 0.107, 0.107]  # COCO's sigmas of those joints

METAINFO = f'''dataset_info = dict(
    dataset_name='five_keypoints',
    paper_info=dict(),
    keypoint_info={{
        {", ".join(f"{i}: dict(name={n!r}, id={i}, color=[0, 255, 0], type={'upper' if i < 3 else 'lower'!r}, "
                   f"swap={s!r})" for i, (n, s) in enumerate(zip(NAMES, SWAPS, strict=True)))}
    }},
    skeleton_info={{0: dict(link=('left_shoulder', 'right_shoulder'), id=0, color=[0, 0, 255]),
                   1: dict(link=('hip_l', 'hip_r'), id=1, color=[0, 0, 255])}},
    joint_weights=[1.0] * 5,
    sigmas={SIGMAS})
'''


def write_five_keypoint_dataset(folder: Path) -> tuple[Path, Path]:
    """Write ``five_keypoints.py`` (metainfo) and ``five_keypoints.json`` (the sample's annotations with those 5
    keypoints) into ``folder``; returns their paths. Images stay in the sample folder (same file names)."""
    metainfo = folder / 'five_keypoints.py'
    metainfo.write_text(METAINFO)
    coco = json.loads(SAMPLE_ANNOTATIONS.read_text())
    for annotation in coco['annotations']:
        triples = [annotation['keypoints'][3 * row:3 * row + 3] for row in COCO_ROWS]
        annotation['keypoints'] = [value for triple in triples for value in triple]
        annotation['num_keypoints'] = sum(triple[2] > 0 for triple in triples)
    for category in coco['categories']:
        category['keypoints'] = NAMES
        category['skeleton'] = [[1, 2], [4, 5]]
    annotations = folder / 'five_keypoints.json'
    annotations.write_text(json.dumps(coco))
    return metainfo, annotations
