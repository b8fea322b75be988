"""Fold eval-mode BatchNorm layers into the convolutions that feed them (inference only).

A conv followed by BatchNorm with frozen statistics is one affine map, so ``conv -> BN`` becomes one conv
with rescaled weights and a bias. The layouts recognised are the ones the MSPN models are made of: MMCV's
``ConvModule`` (conv before norm), MMPose's ResNet blocks (``conv{i}`` feeding ``norm{i}``) and
``nn.Sequential`` runs of ``Conv2d, BatchNorm`` (ResNet down-sampling shortcuts). MMCV's ``fuse_conv_bn`` pairs
modules by registration order, which ``ConvModule(order=('norm', 'conv', 'act'))`` breaks; pairs here follow the data
flow.
"""
import torch.nn as nn
from mmcv.cnn import ConvModule
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.utils.fusion import fuse_conv_bn_eval


def _conv_bn_pairs(module: nn.Module) -> list[tuple[str, str]]:
    """Names of the (conv, norm) children of ``module`` where the conv's output goes straight to the norm."""
    if isinstance(module, ConvModule):
        if module.with_norm and module.order.index('conv') + 1 == module.order.index('norm'):
            return [('conv', module.norm_name)]
        return []
    if isinstance(module, nn.Sequential):
        names = list(module._modules)
        return [(a, b) for a, b in zip(names, names[1:], strict=False)
                if isinstance(module._modules[a], nn.Conv2d) and isinstance(module._modules[b], _BatchNorm)]
    return [(f'conv{i}', getattr(module, f'norm{i}_name')) for i in range(1, 4)
            if hasattr(module, f'norm{i}_name') and isinstance(getattr(module, f'conv{i}', None), nn.Conv2d)]


def fuse_conv_bn(model: nn.Module) -> nn.Module:
    """Fold every recognised conv + BatchNorm pair of ``model`` in place; returns ``model`` (in eval mode).

    The norm layers become ``nn.Identity``, so this is for a copy used only for inference: the folded
    model has no BatchNorm statistics to train. Returns the same object for chaining.
    """
    model.eval()
    for module in list(model.modules()):
        for conv_name, norm_name in _conv_bn_pairs(module):
            conv, norm = getattr(module, conv_name), getattr(module, norm_name)
            if isinstance(conv, nn.Conv2d) and isinstance(norm, _BatchNorm) and norm.track_running_stats:
                setattr(module, conv_name, fuse_conv_bn_eval(conv, norm))
                setattr(module, norm_name, nn.Identity())
    return model
