import pytest
import torch

from mspn_plugin.models import MSPNMultiScaleLoss
from mspn_plugin.models.losses.multi_scale_heatmap_loss import VISIBILITY_CHECK_JOINTS, ohkm_l2_loss, plain_l2_loss


def test_labelled_policy_ignores_unlabelled_keypoints():
    pred, target = torch.zeros(1, 2, 4, 4), torch.zeros(1, 2, 4, 4)
    pred[0, 1] = 3.0
    labelled = torch.tensor([[1.0, 0.0]])
    assert plain_l2_loss(pred, target, labelled, labelled, 'labelled') == 0
    labelled = torch.tensor([[1.0, 1.0]])
    assert plain_l2_loss(pred, target, labelled, labelled, 'labelled') == pytest.approx(9.0 / 2)


def test_visible_policy_zeroes_targets_of_occluded_keypoints_but_keeps_their_predictions():
    pred = torch.zeros(1, 2, 2, 2)
    target = torch.full((1, 2, 2, 2), 2.0)
    labelled = torch.tensor([[1.0, 1.0]])
    visible = torch.tensor([[1.0, 0.0]])
    # keypoint 0: (0 - 2)^2 = 4; keypoint 1: target zeroed, prediction 0 -> 0
    assert plain_l2_loss(pred, target, labelled, visible, 'visible') == pytest.approx(2.0)
    pred[0, 1] = 1.0  # an occluded keypoint's prediction is pushed to zero
    assert plain_l2_loss(pred, target, labelled, visible, 'visible') == pytest.approx(2.5)


def test_ohkm_keeps_the_hardest_labelled_keypoints():
    pred = torch.zeros(2, 4, 1, 1)
    target = torch.tensor([1.0, 2.0, 3.0, 4.0]).view(1, 4, 1, 1).repeat(2, 1, 1, 1)
    labelled = torch.tensor([[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 0.0]])
    # sample 0: top-2 of (1, 4, 9, 16) -> 12.5; sample 1: keypoint 3 unlabelled -> top-2 of (1, 4, 9, 0) -> 6.5
    assert ohkm_l2_loss(pred, target, labelled, topk=2) == pytest.approx((12.5 + 6.5) / 2)
    assert ohkm_l2_loss(pred, target, labelled, topk=10) == pytest.approx((30 / 4 + 14 / 4) / 2)


def test_module_weights_scales_and_reports_each_stage():
    torch.manual_seed(0)
    preds = [[torch.randn(2, 3, 4, 4, requires_grad=True) for _ in range(2)] for _ in range(2)]
    targets = [[torch.randn(2, 3, 4, 4) for _ in range(2)] for _ in range(2)]
    ones = torch.ones(2, 3)
    loss = MSPNMultiScaleLoss(scale_weights=(0.5, 2.0), ohkm_topk=1, mask_policy='labelled')
    losses = loss(preds, targets, ones, ones)
    assert sorted(k for k in losses if 'loss' in k) == ['loss_stage1', 'loss_stage2']
    for s in range(2):
        coarse = plain_l2_loss(preds[s][0], targets[s][0], ones, ones, 'labelled')
        fine = ohkm_l2_loss(preds[s][1], targets[s][1], ones, 1)
        torch.testing.assert_close(losses[f'loss_stage{s + 1}'], 0.5 * coarse + 2.0 * fine)
        # each scale's own loss is logged, unweighted and outside the sum MMEngine back-propagates
        torch.testing.assert_close(losses[f'stage{s + 1}_scale1_l2'], coarse)
        torch.testing.assert_close(losses[f'stage{s + 1}_scale2_l2'], fine)
        assert not losses[f'stage{s + 1}_scale1_l2'].requires_grad
    assert sorted(MSPNMultiScaleLoss((0.5, 2.0), log_scale_losses=False)(preds, targets, ones, ones)) == [
        'loss_stage1', 'loss_stage2']


def test_without_ohkm_the_finest_scale_is_plain_l2():
    pred, target = [[torch.ones(1, 2, 2, 2)]], [[torch.zeros(1, 2, 2, 2)]]
    ones = torch.ones(1, 2)
    losses = MSPNMultiScaleLoss(scale_weights=(1.0,), use_ohkm=False)(pred, target, ones, ones)
    assert losses['loss_stage1'].item() == pytest.approx(1.0)


def visible_policy_batches(loss: MSPNMultiScaleLoss, labelled: torch.Tensor, visible: torch.Tensor, count: int):
    pred, target = [[torch.ones(*labelled.shape, 2, 2)]], [[torch.zeros(*labelled.shape, 2, 2)]]
    for _ in range(count):
        loss(pred, target, labelled, visible)


def test_a_batch_whose_labelled_joints_are_all_occluded_trains():
    loss = MSPNMultiScaleLoss(scale_weights=(1.0,), mask_policy='visible')
    occluded = torch.zeros(32, 17)
    visible_policy_batches(loss, torch.ones(32, 17), occluded, 1)  # 544 labelled joints, none visible
    visible_policy_batches(loss, torch.ones(32, 17), torch.eye(32, 17), 1)  # some visible: the flags are there
    visible_policy_batches(loss, torch.ones(32, 17), occluded, 100)  # decided: never checked again


def test_flags_clipped_to_0_1_are_refused_once_at_the_start():
    loss = MSPNMultiScaleLoss(scale_weights=(1.0,), mask_policy='visible')
    labelled, clipped = torch.ones(4, 17), torch.zeros(4, 17)
    batches_before_the_decision = -(-VISIBILITY_CHECK_JOINTS // labelled.numel()) - 1
    visible_policy_batches(loss, labelled, clipped, batches_before_the_decision)
    with pytest.raises(ValueError, match='clipped to 0/1.*KeepVisibilityFlags'):
        visible_policy_batches(loss, labelled, clipped, 1)
    labelled_policy = MSPNMultiScaleLoss(scale_weights=(1.0,), mask_policy='labelled')
    visible_policy_batches(labelled_policy, labelled, clipped, batches_before_the_decision + 10)


@pytest.mark.parametrize('kwargs', [dict(mask_policy='all'), dict(ohkm_topk=0)])
def test_invalid_options(kwargs):
    with pytest.raises(ValueError):
        MSPNMultiScaleLoss(**kwargs)
