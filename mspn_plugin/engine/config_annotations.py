"""The annotation files a config trains and evaluates on, checked against their datasets' metainfo
(:mod:`mspn_plugin.datasets.annotation_check`): what ``tools/check_annotations.py`` and
``tools/train.py --check-annotations`` run."""
import os.path as osp

from mmengine.config import Config

from ..datasets.annotation_check import CheckReport, check_annotations
from .keypoint_count import SPLITS, dataset_keypoint_count


def _resolved(data_root: str, path: str) -> str:
    return path if osp.isabs(path) or not data_root else osp.join(data_root, path)


def check_config_annotations(cfg: Config, splits: tuple[str, ...] = SPLITS, workers: int = 2) -> list[CheckReport]:
    """One report per distinct annotation file of the config's ``<split>_dataloader`` datasets (splits whose
    dataset keeps no annotation file or no pose metainfo are skipped)."""
    reports, seen = [], set()
    for split in splits:
        dataset = (cfg.get(f'{split}_dataloader') or {}).get('dataset')
        if not dataset or not dataset.get('ann_file'):
            continue
        data_root = dataset.get('data_root', '')
        ann_file = _resolved(data_root, dataset['ann_file'])
        num_keypoints = dataset_keypoint_count(dataset)
        if ann_file in seen or num_keypoints is None:
            continue
        seen.add(ann_file)
        image_dir = _resolved(data_root, (dataset.get('data_prefix') or {}).get('img', ''))
        reports.append(check_annotations(ann_file, image_dir, num_keypoints, workers))
    return reports
