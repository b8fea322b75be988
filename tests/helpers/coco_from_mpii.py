"""Build a small COCO-format keypoint set from MPII-style annotations (for recipe checks on other images)."""
import json
import shutil
from pathlib import Path

import numpy as np
from PIL import Image

# COCO keypoint index for each MPII joint; MPII's pelvis, thorax, upper neck and head top have no COCO match.
MPII_TO_COCO = {0: 16, 1: 14, 2: 12, 3: 11, 4: 13, 5: 15, 10: 10, 11: 8, 12: 6, 13: 5, 14: 7, 15: 9}
COCO_KEYPOINT_NAMES = ['nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear', 'left_shoulder', 'right_shoulder',
                       'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist', 'left_hip', 'right_hip',
                       'left_knee', 'right_knee', 'left_ankle', 'right_ankle']


def coco_from_mpii(mpii_json: Path, image_dir: Path, out_dir: Path) -> Path:
    """Write ``out_dir/annotations.json`` and copies of the images; returns the annotation path.

    Labelled MPII joints become COCO keypoints with flag 2; the box is the MPII person box
    (centre +- 100 * scale, clipped to the image).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    images, annotations = [], []
    for index, person in enumerate(json.loads(Path(mpii_json).read_text())):
        name = person['image']
        shutil.copy(Path(image_dir) / name, out_dir / name)
        width, height = Image.open(out_dir / name).size
        image_id = index + 1
        if not any(img['file_name'] == name for img in images):
            images.append(dict(id=image_id, file_name=name, width=width, height=height))
        image_id = next(img['id'] for img in images if img['file_name'] == name)
        keypoints = np.zeros((17, 3))
        for mpii, coco in MPII_TO_COCO.items():
            x, y = person['joints'][mpii]
            if person['joints_vis'][mpii] > 0 and x >= 0 and y >= 0:
                keypoints[coco] = x, y, 2
        half = 100.0 * person['scale']
        cx, cy = person['center']
        x0, y0 = max(cx - half, 0.0), max(cy - half, 0.0)
        x1, y1 = min(cx + half, width - 1.0), min(cy + half, height - 1.0)
        annotations.append(dict(id=index + 1, image_id=image_id, category_id=1, iscrowd=0,
                                bbox=[x0, y0, x1 - x0, y1 - y0], area=(x1 - x0) * (y1 - y0),
                                keypoints=keypoints.ravel().tolist(), num_keypoints=int((keypoints[:, 2] > 0).sum())))
    categories = [dict(id=1, name='person', supercategory='person', keypoints=COCO_KEYPOINT_NAMES, skeleton=[])]
    path = out_dir / 'annotations.json'
    path.write_text(json.dumps(dict(images=images, annotations=annotations, categories=categories)))
    return path
