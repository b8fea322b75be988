"""Check a COCO-format keypoint annotation file against a dataset's metainfo before training on it: the number of
keypoints, visibility flags in {0, 1, 2}, boxes inside their image, and every image present and decodable. Images are
opened in parallel (a process pool); every defect is named."""
import json
import os.path as osp
from dataclasses import dataclass, field
from multiprocessing import Pool
from pathlib import Path

import cv2
from mmpose.datasets.datasets.utils import parse_pose_metainfo
from mmpose.registry import DATASETS

from mspn_plugin.utils.errors import InputError

VALID_FLAGS = (0, 1, 2)


@dataclass
class AnnotationReport:
    """What a check looked at and every defect it found, one line each naming the file, image or annotation."""

    ann_file: str
    images: int = 0
    annotations: int = 0
    defects: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f'{self.ann_file}: {self.images} images, {self.annotations} annotations, '
                f'{len(self.defects)} defects')


def metainfo_num_keypoints(metainfo: dict | str | Path) -> int:
    """Number of keypoints K of an MMPose metainfo: a file (``dataset_info = dict(keypoint_info=...)``; MMPose's
    own ``configs/_base_/datasets/*.py`` paths are found in the installed package) or a dict as in a config."""
    metainfo = dict(from_file=str(metainfo)) if isinstance(metainfo, (str, Path)) else dict(metainfo)
    try:
        return parse_pose_metainfo(metainfo)['num_keypoints']
    except (AttributeError, KeyError) as error:
        raise InputError(f'{metainfo}: no dataset_info with keypoint_info') from error


def dataset_num_keypoints(dataset_cfg: dict) -> int:
    """K of a dataset config: its ``metainfo`` if given, else its MMPose dataset class's default metainfo."""
    metainfo = dataset_cfg.get('metainfo') or DATASETS.get(dataset_cfg['type']).METAINFO
    return metainfo_num_keypoints(metainfo)


def _image_size(path: str) -> tuple[str, tuple[int, int] | None, str | None]:
    """(path, (width, height) or None, problem or None) for one image file."""
    if not Path(path).is_file():
        return path, None, 'missing image file'
    image = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if image is None:
        return path, None, 'image does not decode'
    return path, (image.shape[1], image.shape[0]), None


def _annotation_defects(ann: dict, num_keypoints: int, size: tuple[int, int] | None) -> list[str]:
    where = f'annotation {ann.get("id")} (image {ann.get("image_id")})'
    defects = []
    keypoints = ann.get('keypoints', [])
    if len(keypoints) != 3 * num_keypoints:
        defects.append(f'{where}: {len(keypoints) / 3:g} keypoints, the metainfo has {num_keypoints}')
    bad_flags = sorted({flag for flag in keypoints[2::3] if flag not in VALID_FLAGS})
    if bad_flags:
        defects.append(f'{where}: visibility flags {bad_flags} outside {{0, 1, 2}}')
    bbox = ann.get('bbox')
    if bbox is not None and size is not None:
        x, y, w, h = bbox
        width, height = size
        if w <= 0 or h <= 0 or x < 0 or y < 0 or x + w > width + 1 or y + h > height + 1:
            defects.append(f'{where}: box {bbox} outside the {width}x{height} image')
    return defects


def check_annotations(ann_file: str | Path, img_dir: str | Path, num_keypoints: int,
                      workers: int = 2) -> AnnotationReport:
    """Check ``ann_file`` (a COCO keypoint JSON whose ``file_name``s are relative to ``img_dir``) for a dataset of
    ``num_keypoints`` keypoints; images are decoded by ``workers`` processes.

    Boxes are checked against the decoded image's size (the JSON's width/height when the image is unreadable)."""
    try:
        coco = json.loads(Path(ann_file).read_text())
    except (OSError, ValueError) as error:
        raise InputError(f'{ann_file}: not a readable JSON annotation file ({error})') from error
    images = {image['id']: image for image in coco.get('images', [])}
    paths = {image_id: str(Path(img_dir) / image['file_name']) for image_id, image in images.items()}
    with Pool(max(1, workers)) as pool:
        checked = {path: (size, problem) for path, size, problem in pool.map(_image_size, sorted(paths.values()))}
    report = AnnotationReport(str(ann_file), len(images), len(coco.get('annotations', [])))
    defects = report.defects
    defects.extend(f'{path}: {problem}' for path, (_, problem) in checked.items() if problem)
    for ann in coco.get('annotations', []):
        image = images.get(ann.get('image_id'))
        if image is None:
            defects.append(f'{ann_file}: annotation {ann.get("id")} refers to unknown image {ann.get("image_id")}')
            continue
        size = checked[paths[image['id']]][0] or (image.get('width'), image.get('height'))
        defects.extend(_annotation_defects(ann, num_keypoints, size if None not in size else None))
    return report


def check_config_annotations(cfg: dict, workers: int = 2) -> list[AnnotationReport]:
    """Check the annotation files of a config's train and val datasets (``data_root`` + ``ann_file``, images under
    ``data_root`` + ``data_prefix.img``) against each dataset's metainfo."""
    reports = []
    for loader in ('train_dataloader', 'val_dataloader'):
        dataset = (cfg.get(loader) or {}).get('dataset')
        if not dataset or not dataset.get('ann_file'):
            continue
        root = dataset.get('data_root', '')
        reports.append(check_annotations(
            osp.join(root, dataset['ann_file']), osp.join(root, dataset.get('data_prefix', {}).get('img', '')),
            dataset_num_keypoints(dataset), workers))
    return reports


def require_clean_annotations(cfg: dict, workers: int = 2) -> None:
    """Check a config's train/val annotation files (:func:`report_defects` on the results)."""
    report_defects(check_config_annotations(cfg, workers))


def report_defects(reports: list[AnnotationReport]) -> None:
    """Print each report's defects and summary; raise :class:`InputError` naming the first defective file if any."""
    for report in reports:
        for defect in report.defects:
            print(defect)
        print(report.summary())
    bad = [report for report in reports if report.defects]
    if bad:
        raise InputError(f'{bad[0].ann_file}: {len(bad[0].defects)} annotation defects (listed above)')
