"""TEST REFERENCE, not part of the package: the authors' MSPN network as published.

Rewritten for the tests from reading megvii-detection/MSPN, ``exps/mspn.2xstg.coco/network.py`` (the same file
serves their MPII experiment), so that a checkpoint in their exact key layout can be made with random weights and
their forward pass compared with ours after conversion. Kept to what their inference computes, with their module
names and their arithmetic: every conv has a bias and is followed by BatchNorm (``conv_bn_relu``); ResNet-50
bottlenecks with the stride on the 3x3 conv; the up path's sizes derived from the heatmap shape. Left out: the
loss, gradient checkpointing (``efficient``) and their initialisation. Their forward returns only the last
stage's finest heatmaps at test time; :meth:`AuthorsMSPN.forward` returns every stage and scale.

Input: BGR images in [0, 1] normalised with their mean/std, (B, 3, H, W) with H, W divisible by 32.
"""
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

UP_CHANNELS = 256
LAYER_BLOCKS = (3, 4, 6, 3)  # ResNet-50, fixed in their network
EXPANSION = 4


class ConvBnRelu(nn.Module):
    """Their ``conv_bn_relu``: conv (with bias, 'same' padding) -> BatchNorm -> optional ReLU."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1,
                 relu: bool = True) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding=kernel_size // 2)
        self.bn = nn.BatchNorm2d(out_channels)
        self.relu = relu

    def forward(self, x: Tensor) -> Tensor:
        x = self.bn(self.conv(x))
        return F.relu(x) if self.relu else x


class Bottleneck(nn.Module):
    """1x1 -> 3x3 (stride) -> 1x1 (x4 channels), identity or projected shortcut, ReLU after the sum."""

    def __init__(self, in_channels: int, planes: int, stride: int = 1) -> None:
        super().__init__()
        out_channels = planes * EXPANSION
        self.conv_bn_relu1 = ConvBnRelu(in_channels, planes, 1)
        self.conv_bn_relu2 = ConvBnRelu(planes, planes, 3, stride)
        self.conv_bn_relu3 = ConvBnRelu(planes, out_channels, 1, relu=False)
        self.downsample = (ConvBnRelu(in_channels, out_channels, 1, stride, relu=False)
                           if stride != 1 or in_channels != out_channels else None)

    def forward(self, x: Tensor) -> Tensor:
        out = self.conv_bn_relu3(self.conv_bn_relu2(self.conv_bn_relu1(x)))
        shortcut = x if self.downsample is None else self.downsample(x)
        return F.relu(out + shortcut)


class Top(nn.Module):
    """Their ``ResNet_top``: 7x7/2 conv 64 + BN + ReLU, 3x3/2 max-pool."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = ConvBnRelu(3, 64, 7, stride=2)

    def forward(self, x: Tensor) -> Tensor:
        return F.max_pool2d(self.conv(x), kernel_size=3, stride=2, padding=1)


class DownModule(nn.Module):
    """ResNet-50 layers 1-4; from the second stage on, the previous stage's two skips are added after each."""

    def __init__(self, has_skip: bool) -> None:
        super().__init__()
        self.has_skip = has_skip
        in_channels = 64
        for i, num_blocks in enumerate(LAYER_BLOCKS):
            planes = 64 * 2**i
            blocks = [Bottleneck(in_channels, planes, stride=1 if i == 0 else 2)]
            blocks += [Bottleneck(planes * EXPANSION, planes) for _ in range(num_blocks - 1)]
            setattr(self, f'layer{i + 1}', nn.Sequential(*blocks))
            in_channels = planes * EXPANSION

    def forward(self, x: Tensor, skip1: list[Tensor] | None, skip2: list[Tensor] | None) -> list[Tensor]:
        """Returns the four layer outputs coarsest first (their ``x4, x3, x2, x1``); skips are finest first."""
        outs = []
        for i in range(4):
            x = getattr(self, f'layer{i + 1}')(x)
            if self.has_skip:
                x = x + skip1[i] + skip2[i]
            outs.append(x)
        return outs[::-1]


class UpUnit(nn.Module):
    """Their ``Upsample_unit`` ``ind`` (0 = 1/32 scale ... 3 = 1/4): lateral 1x1 (+ up-sampled coarser output
    through a 1x1), ReLU; predictor 1x1 + ReLU, 3x3 to K, bilinear to the heatmap shape; optional skips to the
    next stage (from the lateral input and from the output) and, at 1/4, the next stage's input."""

    def __init__(self, ind: int, in_channels: int, up_size: tuple[int, int], num_keypoints: int,
                 output_shape: tuple[int, int], gen_skip: bool, gen_cross_conv: bool) -> None:
        super().__init__()
        self.ind, self.up_size, self.output_shape = ind, up_size, output_shape
        self.u_skip = ConvBnRelu(in_channels, UP_CHANNELS, 1, relu=False)
        if ind > 0:
            self.up_conv = ConvBnRelu(UP_CHANNELS, UP_CHANNELS, 1, relu=False)
        self.gen_skip = gen_skip
        if gen_skip:
            self.skip1 = ConvBnRelu(in_channels, in_channels, 1)
            self.skip2 = ConvBnRelu(UP_CHANNELS, in_channels, 1)
        self.gen_cross_conv = gen_cross_conv and ind == 3
        if self.gen_cross_conv:
            self.cross_conv = ConvBnRelu(UP_CHANNELS, 64, 1)
        self.res_conv1 = ConvBnRelu(UP_CHANNELS, UP_CHANNELS, 1)
        self.res_conv2 = ConvBnRelu(UP_CHANNELS, num_keypoints, 3, relu=False)

    def forward(self, x: Tensor, up_x: Tensor | None) -> tuple[Tensor, Tensor, Tensor | None, Tensor | None,
                                                               Tensor | None]:
        out = self.u_skip(x)
        if self.ind > 0:
            out = out + self.up_conv(F.interpolate(up_x, size=self.up_size, mode='bilinear', align_corners=True))
        out = F.relu(out)
        res = self.res_conv2(self.res_conv1(out))
        res = F.interpolate(res, size=self.output_shape, mode='bilinear', align_corners=True)
        skip1 = self.skip1(x) if self.gen_skip else None
        skip2 = self.skip2(out) if self.gen_skip else None
        cross = self.cross_conv(out) if self.gen_cross_conv else None
        return out, res, skip1, skip2, cross


class UpModule(nn.Module):
    """Their ``Upsample_module``: units ``up1`` (1/32) .. ``up4`` (1/4), sizes fixed by the heatmap shape."""

    def __init__(self, num_keypoints: int, output_shape: tuple[int, int], gen_skip: bool,
                 gen_cross_conv: bool) -> None:
        super().__init__()
        h, w = output_shape
        for ind, in_channels in enumerate((2048, 1024, 512, 256)):
            factor = 2 ** (3 - ind)
            setattr(self, f'up{ind + 1}', UpUnit(ind, in_channels, (h // factor, w // factor), num_keypoints,
                                                 output_shape, gen_skip, gen_cross_conv))

    def forward(self, feats: list[Tensor]) -> tuple[list[Tensor], list[Tensor], list[Tensor], Tensor | None]:
        """``feats`` coarsest first; returns heatmaps coarsest first, skips finest first, the cross conv."""
        out, results, skip1, skip2, cross = None, [], [], [], None
        for ind, feat in enumerate(feats):
            out, res, s1, s2, cross = getattr(self, f'up{ind + 1}')(feat, out)
            results.append(res)
            skip1.insert(0, s1)
            skip2.insert(0, s2)
        return results, skip1, skip2, cross


class Stage(nn.Module):
    """Their ``Single_stage_module``: ``downsample`` (ResNet-50) then ``upsample``."""

    def __init__(self, num_keypoints: int, output_shape: tuple[int, int], is_first: bool, is_last: bool) -> None:
        super().__init__()
        self.downsample = DownModule(has_skip=not is_first)
        self.upsample = UpModule(num_keypoints, output_shape, gen_skip=not is_last, gen_cross_conv=not is_last)

    def forward(self, x: Tensor, skip1, skip2):
        return self.upsample(self.downsample(x, skip1, skip2))


class AuthorsMSPN(nn.Module):
    """Their ``MSPN``: ``top`` then ``stage0`` .. ``stage{S-1}``; the 1/4 cross conv feeds the next stage.

    Shapes: in (B, 3, H, W); out S lists of 4 heatmaps (B, K, *output_shape), coarsest first.
    """

    def __init__(self, num_stages: int, num_keypoints: int, output_shape: tuple[int, int]) -> None:
        super().__init__()
        self.num_stages = num_stages
        self.top = Top()
        for i in range(num_stages):
            setattr(self, f'stage{i}', Stage(num_keypoints, output_shape, i == 0, i == num_stages - 1))

    def forward(self, imgs: Tensor) -> list[list[Tensor]]:
        x, skip1, skip2, outputs = self.top(imgs), None, None, []
        for i in range(self.num_stages):
            res, skip1, skip2, x = getattr(self, f'stage{i}')(x, skip1, skip2)
            outputs.append(res)
        return outputs
