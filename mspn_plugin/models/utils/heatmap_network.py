"""A top-down heatmap model's network as one module: normalised crops in, heatmaps out."""
import torch.nn as nn
from torch import Tensor


class HeatmapNetwork(nn.Module):
    """Backbone, optional neck and head of a top-down estimator as one module. With ``final_only`` (the default) it
    computes only the heatmaps that decoding reads: the head's ``forward_final`` when it has one
    (:class:`~mspn_plugin.models.MSPNHeatmapHead`: the last stage's finest predictor), else its ``forward`` (e.g.
    MMPose's ``HeatmapHead``); without, the head's ``forward``: every prediction a training step makes.

    What the fast inference path, the ONNX export and the complexity count run. Shapes: in (B, 3, H, W), normalised
    like the data preprocessor's output; out (B, K, H/4, W/4) for MSPN with ``final_only``.
    """

    def __init__(self, backbone: nn.Module, neck: nn.Module | None, head: nn.Module, final_only: bool = True) -> None:
        super().__init__()
        self.backbone, self.neck, self.head = backbone, neck, head
        self.final_only = final_only

    @classmethod
    def of(cls, estimator: nn.Module, final_only: bool = True) -> 'HeatmapNetwork':
        """The network of an MMPose ``TopdownPoseEstimator`` (its modules, not copies)."""
        return cls(estimator.backbone, getattr(estimator, 'neck', None), estimator.head, final_only)

    def forward(self, inputs: Tensor) -> Tensor | list:
        feats = self.backbone(inputs)
        if self.neck is not None:
            feats = self.neck(feats)
        if self.final_only and hasattr(self.head, 'forward_final'):
            return self.head.forward_final(feats)
        return self.head.forward(feats)
