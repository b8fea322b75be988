"""ImageNet ResNet weights copied into an MSPN trunk: the stem once, the four residual layers into every stage.

Both reference implementations start from ImageNet weights (the authors load a ResNet-50 into each stage's down
path, MMPose copies torchvision's ResNet-50 into every stage), so the paper configs do too, through
``backbone.init_cfg=dict(type='Pretrained', checkpoint=...)``: a local file, a URL or ``torchvision://resnet50``.
"""
from collections.abc import Mapping, Sequence

import torch.nn as nn
from mmengine.logging import MMLogger
from mmengine.runner.checkpoint import CheckpointLoader
from torch import Tensor

from .loading import CheckpointDownloadError, state_dict_of

OVERRIDE_HINT = 'model.backbone.init_cfg.checkpoint=<local file> (or model.backbone.init_cfg=None: random init)'


def imagenet_resnet_to_mspn(state_dict: Mapping[str, Tensor], backbone: nn.Module,
                            stages: Sequence[int] | None = None) -> dict[str, Tensor]:
    """Map an ImageNet ResNet state dict (torchvision / timm names) onto an MSPN ``backbone``.

    ``conv1`` / ``bn1`` go to the stem; ``layer1`` ... ``layer4`` (or the down unit's own ``layer_names``) go to
    ``stages.<i>.down_unit.layers.<j>`` of every stage (or of the ``stages`` given); everything else (``fc``) is
    left out.
    """
    stages = range(len(backbone.stages)) if stages is None else stages
    mapped = {}
    for key, value in state_dict.items():
        name, _, rest = key.partition('.')
        if name in ('conv1', 'bn1'):
            mapped[f'stem.0.{"conv" if name == "conv1" else "bn"}.{rest}'] = value
            continue
        for i in stages:
            layer_names = getattr(backbone.stages[i].down_unit, 'layer_names', ())
            if name in layer_names:
                mapped[f'stages.{i}.down_unit.layers.{layer_names.index(name)}.{rest}'] = value
    return mapped


def load_imagenet_resnet(backbone: nn.Module, checkpoint: str, prefix: str = '',
                         stages: Sequence[int] | None = None) -> None:
    """Copy an ImageNet ResNet checkpoint (a path, URL or ``torchvision://<name>``; or a file already in the MSPN
    backbone's own layout) into ``backbone`` (the stem, and the down units of ``stages``, default all), whose
    other weights are left as they are.

    Raises:
        CheckpointDownloadError: the file is not in the download cache and cannot be fetched; the message names the
            file looked for and the config override.
        ValueError: naming the file, when nothing maps or a tensor has another shape.
    """
    try:
        raw = CheckpointLoader.load_checkpoint(checkpoint, map_location='cpu')
    except CheckpointDownloadError as error:
        raise CheckpointDownloadError(f'{error} (ImageNet initialisation of the backbone: {checkpoint}; override '
                                      f'with --cfg-options {OVERRIDE_HINT})') from error
    source = {key[len(prefix):]: value for key, value in state_dict_of(raw).items() if key.startswith(prefix)}
    own = backbone.state_dict()
    if any(key in own for key in source):  # already an MSPN backbone (e.g. prefix='backbone.' of a pose model)
        mapped = source
    else:
        mapped = imagenet_resnet_to_mspn(source, backbone, stages)
    wrong = [f'{key}: {tuple(value.shape)} vs ours {tuple(own[key].shape) if key in own else "absent"}'
             for key, value in mapped.items() if key not in own or own[key].shape != value.shape]
    if not mapped or wrong:
        raise ValueError(f'{checkpoint}: not an ImageNet ResNet matching this MSPN backbone '
                         f'(prefix {prefix!r}); ' + ('; '.join(wrong[:5]) if wrong else 'no conv1/bn1/layer1-4 keys'))
    backbone.load_state_dict(mapped, strict=False)
    MMLogger.get_current_instance().info(
        f'{type(backbone).__name__}: {len(mapped)} tensors from {checkpoint} '
        f'(stem + down units of stage(s) {list(range(len(backbone.stages))) if stages is None else list(stages)})')
