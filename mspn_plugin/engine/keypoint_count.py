"""The check, before a run builds anything, that the model predicts as many keypoints as its datasets define: a head
written for COCO's 17 joints on a dataset of 14 would otherwise fail deep in the loss, or evaluate the wrong joints."""
from mmengine.config import Config
from mmpose.registry import DATASETS

from ..utils.errors import InputError
from ..utils.registry_scope import registry_scope

SPLITS = ('train', 'val', 'test')


def dataset_keypoint_count(dataset: dict) -> int | None:
    """The number of keypoints in the metainfo of a dataset config (its class's, or the ``metainfo`` it is given);
    None for a dataset type that keeps no pose metainfo (a dataset wrapper, a foreign type)."""
    with registry_scope(dataset.get('_scope_', 'mmpose')):
        dataset_class = DATASETS.get(dataset.get('type', ''))
    load_metainfo = getattr(dataset_class, '_load_metainfo', None)
    if load_metainfo is None:
        return None
    return load_metainfo(dict(dataset['metainfo']) if dataset.get('metainfo') else None).get('num_keypoints')


def check_keypoint_count(cfg: Config) -> None:
    """Raise :class:`InputError` naming the config, the split and both counts when the head's ``out_channels``
    differs from a data loader's dataset metainfo."""
    predicted = cfg.get('model', {}).get('head', {}).get('out_channels')
    if predicted is None:
        return
    for split in SPLITS:
        loader = cfg.get(f'{split}_dataloader')
        if not loader or 'dataset' not in loader:
            continue
        defined = dataset_keypoint_count(loader['dataset'])
        if defined is not None and defined != predicted:
            raise InputError(f'{cfg.filename}: the head predicts {predicted} keypoints, the {split} dataset '
                             f'({loader["dataset"]["type"]}) defines {defined}: set model.head.out_channels='
                             f'{defined}')
