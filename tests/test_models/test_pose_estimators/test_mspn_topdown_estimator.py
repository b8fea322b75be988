import copy

import numpy as np
import pytest
import torch
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope
from mmpose.registry import MODELS
from torch.nn.modules.batchnorm import _BatchNorm

from mspn_plugin.testing import make_batch, randomise_weights_
from mspn_plugin.testing.mmpose_reference import PREPROCESSOR

INPUT_SIZE = (32, 64)
CODEC = dict(type='CoarseToFineHeatmap', input_size=INPUT_SIZE, target_kernels=(7, 5, 3), test_kernel_size=3)


def tiny_estimator(fast_inference: bool = True, seed: int = 0, flip_test: bool = True,
                   channels_last: bool = True):
    init_default_scope('mmpose')
    model = MODELS.build(dict(
        type='MSPNTopdownEstimator', fast_inference=fast_inference, channels_last=channels_last,
        data_preprocessor=PREPROCESSOR,
        backbone=dict(type='MSPNBackbone', num_stages=2, down_unit=dict(type='ResNet', depth=18), up_channels=32),
        head=dict(type='MSPNHeatmapHead', num_stages=2, in_channels=32, decoder=CODEC,
                  kernel_schedule=[[7, 7, 5, 5], [5, 5, 3, 3]], loss=dict(type='MSPNMultiScaleLoss')),
        test_cfg=dict(flip_test=flip_test, flip_mode='heatmap', shift_heatmap=False, output_heatmaps=True)))
    return randomise_weights_(model, seed)


def predict(model, batch):
    with torch.no_grad():
        results = model.test_step(batch)
    return (np.stack([r.pred_instances.keypoints for r in results]),
            np.stack([r.pred_instances.keypoint_scores for r in results]),
            torch.stack([r.pred_fields.heatmaps for r in results]))


def assert_same_predictions(fast, slow, batch):
    (kp_fast, score_fast, hm_fast), (kp_slow, score_slow, hm_slow) = predict(fast, batch), predict(slow, batch)
    assert hm_slow.abs().max() > 0.1
    assert (hm_fast - hm_slow).abs().max() < 1e-4
    np.testing.assert_allclose(kp_fast, kp_slow, atol=1e-3)
    np.testing.assert_allclose(score_fast, score_slow, atol=1e-5)


@pytest.mark.parametrize('flip_test', [False, True])
def test_fast_path_predicts_what_the_plain_path_does(flip_test):
    fast = tiny_estimator(True, flip_test=flip_test)
    slow = tiny_estimator(False, flip_test=flip_test)
    slow.load_state_dict(fast.state_dict())
    batch = make_batch(None, 3, INPUT_SIZE)
    assert_same_predictions(fast, slow, batch)
    assert fast._inference_cache is not None and slow._inference_cache is None


def test_prediction_leaves_weights_state_dict_and_training_intact():
    model = tiny_estimator()
    before = copy.deepcopy(model.state_dict())
    norms = sum(isinstance(m, _BatchNorm) for m in model.modules())
    predict(model, make_batch(None, 2, INPUT_SIZE))
    after = model.state_dict()
    assert list(after) == list(before)
    assert all(torch.equal(after[k], before[k]) for k in before)
    assert sum(isinstance(m, _BatchNorm) for m in model.modules()) == norms

    model.train()
    wrapper = OptimWrapper(torch.optim.Adam(model.parameters(), lr=1e-3))
    losses = model.train_step(make_batch(CODEC, 2, INPUT_SIZE), wrapper)
    assert torch.isfinite(sum(v for k, v in losses.items() if k.startswith('loss')))
    changed = model.state_dict()
    assert not torch.equal(changed['backbone.stem.0.conv.weight'], before['backbone.stem.0.conv.weight'])
    assert not torch.equal(changed['backbone.stem.0.bn.running_mean'], before['backbone.stem.0.bn.running_mean'])

    # the inference copy follows the trained weights
    model.eval()
    reference = tiny_estimator(False)
    reference.load_state_dict(model.state_dict())
    assert_same_predictions(model, reference, make_batch(None, 2, INPUT_SIZE, seed=1))


def test_loading_weights_refreshes_the_inference_copy():
    model, other = tiny_estimator(seed=0), tiny_estimator(False, seed=1)
    batch = make_batch(None, 2, INPUT_SIZE)
    predict(model, batch)
    model.load_state_dict(other.state_dict())
    assert_same_predictions(model, other, batch)


def test_channels_last_training_gives_the_same_losses_and_gradients():
    """In float64, so that the two memory layouts' different summation orders stay far below the bound even where
    BatchNorm amplifies them (batch 2, coarsest maps of 2x1 cells); a layout bug gives unrelated values."""
    models = [tiny_estimator(channels_last=flag).train().double() for flag in (True, False)]
    models[1].load_state_dict(models[0].state_dict())
    assert models[0].backbone.stem[0].conv.weight.is_contiguous(memory_format=torch.channels_last)
    batch = make_batch(CODEC, 2, INPUT_SIZE)
    losses = []
    for model in models:
        data = model.data_preprocessor(batch, True)
        loss = model.loss(data['inputs'].double(), data['data_samples'])
        sum(v for k, v in loss.items() if k.startswith('loss')).backward()
        losses.append(torch.stack([v for k, v in sorted(loss.items()) if k.startswith('loss')]))
    assert losses[0].dtype == torch.float64
    torch.testing.assert_close(losses[0], losses[1], rtol=1e-10, atol=0)
    for (name, first), second in zip(models[0].named_parameters(), models[1].parameters(), strict=True):
        assert (first.grad - second.grad).norm() <= 1e-8 * second.grad.norm() + 1e-12, name
