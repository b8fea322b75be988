"""Config edits that let a shipped config run on the bundled COCO samples at a small input size."""
from pathlib import Path

from mmengine.config import Config

SAMPLE_COCO = Path(__file__).resolve().parents[2] / 'tests' / 'data' / 'coco'


def on_sample_data(cfg: Config, input_size: tuple[int, int]) -> Config:
    """``cfg`` with its data on tests/data/coco (ground-truth boxes) and every codec / crop at ``input_size``.

    ``input_size`` is (w, h); heatmap sizes (codecs that have one) become a quarter of it.
    """
    def resize(codec: dict) -> None:
        codec['input_size'] = input_size
        if 'heatmap_size' in codec:
            codec['heatmap_size'] = (input_size[0] // 4, input_size[1] // 4)

    samples = dict(data_root=str(SAMPLE_COCO), ann_file='test_coco.json', data_prefix=dict(img=''))
    resize(cfg.model.head.decoder)
    for loader in (cfg.train_dataloader, cfg.val_dataloader):
        loader.dataset.update(samples)
        if loader.dataset.get('test_mode'):
            loader.dataset.bbox_file = None
        for step in loader.dataset.pipeline:
            if step['type'] == 'TopdownAffine':
                step['input_size'] = input_size
            elif step['type'] == 'GenerateTarget':
                resize(step['encoder'])
    return cfg
