import torch
from mmengine.registry import init_default_scope
from mmpose.registry import MODELS

from mspn_plugin.models.utils import HeatmapNetwork


def test_only_the_final_predictor_runs_for_an_mspn_head():
    init_default_scope('mmpose')
    model = MODELS.build(dict(
        type='TopdownPoseEstimator',
        backbone=dict(type='MSPNBackbone', num_stages=2, down_unit=dict(type='ResNet', depth=18), up_channels=16),
        head=dict(type='MSPNHeatmapHead', num_stages=2, in_channels=16, out_channels=5,
                  decoder=dict(type='CoarseToFineHeatmap', input_size=(32, 64))))).eval()
    called = []
    for stage, predictors in enumerate(model.head.predictors):
        for scale, predictor in enumerate(predictors):
            predictor.register_forward_hook(lambda *_, key=(stage, scale): called.append(key))
    x = torch.randn(1, 3, 64, 32)
    with torch.no_grad():
        heatmaps = HeatmapNetwork.of(model)(x)
        assert called == [(1, 3)] and heatmaps.shape == (1, 5, 16, 8)
        expected = model.head.forward(model.extract_feat(x))[-1][-1]
    torch.testing.assert_close(heatmaps, expected)


def test_other_heads_run_their_forward():
    class PlainHead(torch.nn.Module):
        def forward(self, feats):
            return feats[-1] * 2

    network = HeatmapNetwork(backbone=lambda x: (x + 1,), neck=None, head=PlainHead())
    assert torch.equal(network(torch.zeros(1, 3, 4, 4)), torch.full((1, 3, 4, 4), 2.0))
