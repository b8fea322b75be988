"""MMPose's top-down estimator with a fast inference path for MSPN.

MMPose's ``TopdownPoseEstimator.predict`` runs the network twice for flip test and, with MMPose's
``MSPNHead``, every stage's and scale's predictor. Here prediction runs one forward on the batch and its
mirror image concatenated, through an inference copy of the network with BatchNorm folded into the convs,
in channels-last layout, computing only the predictor that the decoding reads. Outputs equal the plain
path up to float rounding.
"""
import copy
from itertools import chain

import torch
from mmpose.models.pose_estimators import TopdownPoseEstimator
from mmpose.registry import MODELS
from mmpose.utils.typing import SampleList
from torch import Tensor

from ..heads.mspn_heatmap_head import merge_flipped_heatmaps
from ..utils import HeatmapNetwork, fuse_conv_bn


@MODELS.register_module()
class MSPNTopdownEstimator(TopdownPoseEstimator):
    """``TopdownPoseEstimator`` whose ``predict`` takes the fast path described in the module docstring.

    The inference copy is built on the first prediction and rebuilt whenever a parameter or buffer of the
    trained network changes (optimiser step, ``load_state_dict``, device move): training, ``state_dict``
    and checkpoints only ever see the original modules. The price is a second copy of the weights in
    memory while predicting.

    Args:
        fast_inference: take the fast path (needs a head with ``forward_final``, as
            :class:`MSPNHeatmapHead`); ``False`` gives MMPose's path exactly.
        channels_last: keep the convolution weights, the training inputs and the inference copy in
            channels-last memory format (faster with oneDNN on CPU and cuDNN on recent GPUs; the values and
            the ``state_dict`` keys are the same, only the strides differ).
            ``test_cfg.output_stage_heatmaps`` (every stage's heatmaps) takes MMPose's path.
        **kwargs: the arguments of MMPose's ``TopdownPoseEstimator``.
    """

    def __init__(self, *args, fast_inference: bool = True, channels_last: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fast_inference = fast_inference
        self.channels_last = channels_last
        if channels_last:
            # weight initialisation and checkpoint loading write in place, so the layout stays
            self.to(memory_format=torch.channels_last)
        # a tuple, so that nn.Module does not register the copy (state_dict keys stay those of the network)
        self._inference_cache: tuple[tuple, HeatmapNetwork] | None = None

    def inference_network(self) -> HeatmapNetwork:
        """The BN-folded, channels-last copy of the network, rebuilt when the weights have changed."""
        network = HeatmapNetwork.of(self)
        key = tuple((t.data_ptr(), t._version, t.dtype) for t in chain(network.parameters(), network.buffers()))
        if self._inference_cache is None or self._inference_cache[0] != key:
            self._inference_cache = None  # free the old copy before making the new one
            network = fuse_conv_bn(copy.deepcopy(network)).requires_grad_(False)
            if self.channels_last:  # the folded weights are new tensors
                network = network.to(memory_format=torch.channels_last)
            self._inference_cache = (key, network)
        return self._inference_cache[1]

    def loss(self, inputs: Tensor, data_samples: SampleList) -> dict:
        """MMPose's ``loss``, on channels-last inputs when ``channels_last`` is set."""
        if self.channels_last:
            inputs = inputs.contiguous(memory_format=torch.channels_last)
        return super().loss(inputs, data_samples)

    def predict(self, inputs: Tensor, data_samples: SampleList) -> SampleList:
        """MMPose's ``predict`` contract; see the class docstring for the fast path."""
        # every stage's heatmaps (``output_stage_heatmaps``) come from the head's own predict
        if (not (self.fast_inference and hasattr(self.head, 'forward_final'))
                or self.test_cfg.get('output_stage_heatmaps', False)):
            return super().predict(inputs, data_samples)
        network = self.inference_network()
        flip_test = self.test_cfg.get('flip_test', False)
        batch = torch.cat([inputs, inputs.flip(-1)]) if flip_test else inputs
        if self.channels_last:
            batch = batch.contiguous(memory_format=torch.channels_last)
        with torch.inference_mode():
            heatmaps = network(batch)
        # back to an ordinary tensor: callers may modify returned heatmaps in place
        heatmaps = heatmaps.contiguous().clone()
        if flip_test:
            heatmaps = merge_flipped_heatmaps(*heatmaps.chunk(2), data_samples, self.test_cfg)
        preds = self.head.predict_from_heatmaps(heatmaps, self.test_cfg)
        pred_instances, pred_fields = preds if isinstance(preds, tuple) else (preds, None)
        return self.add_pred_to_datasample(pred_instances, pred_fields, data_samples)
