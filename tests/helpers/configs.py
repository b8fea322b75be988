"""Config edits that let a shipped config run on the bundled COCO samples at a small input size, offline."""
from pathlib import Path

from mmengine.config import Config

from mspn_plugin.datasets import with_codec
from mspn_plugin.datasets.annotation_check import dataset_num_keypoints
from mspn_plugin.testing.keypoint_dataset import make_keypoint_dataset

from .paths import MPII_SAMPLES, SAMPLES


def on_sample_data(cfg: Config, input_size: tuple[int, int], made_root: Path | None = None) -> Config:
    """``cfg`` with its data on the bundled samples (demo/resources/coco, or demo/resources/mpii for MPII configs;
    ground-truth boxes), its codec at ``input_size`` (w, h; heatmap sizes, for codecs that have one, a quarter of
    it) and random weights instead of an ImageNet download. A config with its own metainfo (own keypoints) gets a
    dataset of its K made under ``made_root`` instead."""
    codec = dict(cfg.model.head.decoder, input_size=input_size)
    if 'heatmap_size' in codec:
        codec['heatmap_size'] = (input_size[0] // 4, input_size[1] // 4)
    cfg.model.head.decoder = codec
    if (cfg.model.backbone.get('init_cfg') or {}).get('type') == 'Pretrained':
        cfg.model.backbone.init_cfg = None
    mpii = cfg.train_dataloader.dataset.type == 'MpiiDataset'
    samples = dict(data_root=str(MPII_SAMPLES if mpii else SAMPLES), ann_file='test_mpii.json' if mpii else
                   'test_coco.json', data_prefix=dict(img=''))
    if cfg.train_dataloader.dataset.get('metainfo'):
        made = make_keypoint_dataset(made_root, dataset_num_keypoints(cfg.train_dataloader.dataset), num_images=2)
        samples = dict(data_root=str(made.root), ann_file=made.ann_file.name, data_prefix=dict(img='images/'))
    for loader in (cfg.train_dataloader, cfg.val_dataloader):
        loader.dataset.update(samples)
        if loader.dataset.get('test_mode'):
            loader.dataset.update(headbox_file=None) if mpii else loader.dataset.update(bbox_file=None)
        loader.dataset.pipeline = with_codec(loader.dataset.pipeline, codec)
    return cfg


def data_options(data_root: str, ann_file: str) -> list[str]:
    """``--cfg-options`` that point every data loader and evaluator of a COCO config at another COCO-format set
    (ground-truth boxes)."""
    options = [f'{split}_dataloader.dataset.{key}={value}' for split in ('train', 'val', 'test')
               for key, value in (('data_root', f'{data_root}/'), ('ann_file', ann_file), ('data_prefix.img', ''),
                                  ('bbox_file', 'None'))]
    return [option for option in options if not option.startswith('train_dataloader.dataset.bbox_file')] + [
        f'{split}_evaluator.ann_file={data_root}/{ann_file}' for split in ('val', 'test')]
