import cv2
import numpy as np
import pytest
import torch

from mspn_plugin.models import GlobalNetNeck, MSPNHeatmapHead
from mspn_plugin.testing import make_pose_data_samples

INPUT_SIZE = (48, 64)  # (w, h) -> 12 x 16 heatmaps


def codec_cfg(**kwargs):
    return dict(type='CoarseToFineHeatmap', input_size=INPUT_SIZE, **kwargs)


def make_head(num_stages=2, **kwargs) -> MSPNHeatmapHead:
    kwargs.setdefault('decoder', codec_cfg())
    return MSPNHeatmapHead(num_stages=num_stages, in_channels=8, out_channels=17, **kwargs)


def stage_feats(batch=2, channels=8):
    width, height = INPUT_SIZE
    return tuple(torch.randn(batch, channels, height // s, width // s) for s in (32, 16, 8, 4))


def test_forward_predicts_every_stage_and_scale_at_the_finest_size():
    head = make_head(num_stages=2)
    outs = head([stage_feats(), stage_feats()])
    assert [len(stage) for stage in outs] == [4, 4]
    assert all(o.shape == (2, 17, 16, 12) for stage in outs for o in stage)


def test_heatmap_size_follows_the_features_not_a_fixed_shape():
    head = make_head(num_stages=1)
    feats = tuple(torch.randn(1, 8, 96 // s, 72 // s) for s in (8, 4, 2, 1))
    assert head(feats)[0][-1].shape == (1, 17, 96, 72)


def test_single_flat_stage_from_a_neck_is_accepted():
    neck = GlobalNetNeck(in_channels=(8, 16, 32, 64), out_channels=8)
    width, height = INPUT_SIZE
    backbone_feats = [torch.randn(2, 8 * 2**i, height // 2**(i + 2), width // 2**(i + 2)) for i in range(4)]
    head = make_head(num_stages=1)
    feats = neck(backbone_feats)
    assert head(feats)[0][-1].shape == (2, 17, 16, 12)
    losses = head.loss(feats, make_pose_data_samples(head.decoder, 2))
    assert torch.isfinite(losses['loss_stage1'])


def test_stage_count_mismatch_is_reported():
    with pytest.raises(ValueError, match='expects 2 stages'):
        make_head(num_stages=2)(stage_feats())


def test_kernel_schedule_defaults_to_the_authors_and_maps_to_codec_levels():
    head = make_head(num_stages=3)
    assert head.kernel_schedule == [[15, 11, 9, 7], [15, 11, 9, 7], [11, 9, 7, 5]]
    assert head.target_levels[-1] == [1, 2, 3, 4]
    with pytest.raises(ValueError, match='kernel 3'):
        make_head(num_stages=1, kernel_schedule=[[11, 9, 7, 3]])
    with pytest.raises(ValueError, match='3 stages x 4 scales'):
        make_head(num_stages=3, kernel_schedule=[[11, 9, 7, 5], [11, 9, 7, 5]])
    with pytest.raises(ValueError, match='2 stages x 4 scales'):
        make_head(num_stages=2, kernel_schedule=[[11, 9, 7]])


def test_one_row_of_kernels_supervises_every_stage():
    head = make_head(num_stages=3, kernel_schedule=[[15, 11, 9, 7]])
    assert head.kernel_schedule == [[15, 11, 9, 7]] * 3
    assert head.target_levels == [[0, 1, 2, 3]] * 3


def test_decoder_is_required():
    with pytest.raises(ValueError, match='decoder'):
        MSPNHeatmapHead(decoder=None)


def test_loss_uses_each_stage_own_kernel_level():
    torch.manual_seed(0)
    head = make_head(num_stages=2, kernel_schedule=[[15, 15, 15, 15], [5, 5, 5, 5]],
                     loss=dict(type='MSPNMultiScaleLoss', use_ohkm=False))
    samples = make_pose_data_samples(head.decoder, 2)
    feats = [stage_feats(), stage_feats()]
    targets = torch.stack([s.gt_fields.heatmaps for s in samples]).view(2, 5, 17, 16, 12)
    preds = head(feats)
    weights = torch.cat([s.gt_instance_labels.keypoint_weights for s in samples])
    expected = [sum(0.25 * ((p - targets[:, level]) ** 2).mean(dim=(2, 3)).mul(weights).mean()
                    for p in preds[s][:3])
                + ((preds[s][3] - targets[:, level]) ** 2).mean(dim=(2, 3)).mul(weights).mean()
                for s, level in ((0, 0), (1, 4))]
    losses = head.loss(feats, samples)
    torch.testing.assert_close(losses['loss_stage1'], expected[0])
    torch.testing.assert_close(losses['loss_stage2'], expected[1])
    assert 0 <= losses['acc_pose'] <= 1


def authors_target(x: float, y: float, kernel: int, stride: int = 4) -> np.ndarray:
    """The authors' target: a one at the keypoint's heatmap cell, blurred with OpenCV, peak scaled to 255."""
    width, height = INPUT_SIZE[0] // stride, INPUT_SIZE[1] // stride
    heatmap = np.zeros((height, width), np.float32)
    heatmap[int(y // stride), int(x // stride)] = 1
    heatmap = cv2.GaussianBlur(heatmap, (kernel, kernel), 0)
    return heatmap / heatmap.max() * 255


def naive_loss(preds: list, samples: list, schedule: list, weights=(0.25, 0.25, 0.25, 1.0), topk: int = 8) -> list:
    """The authors' loss written out with loops: per stage, L2 on every scale against targets kept only for
    visible joints (flag 2) with weight 0.25 on the coarser three, and on the finest the mean of each sample's
    ``topk`` largest per-joint L2 losses over labelled joints (OHKM), weight 1."""
    totals = []
    for stage, kernels in enumerate(schedule):
        total = 0.0
        for scale, kernel in enumerate(kernels):
            pred = preds[stage][scale].detach().numpy().astype(np.float64)
            per_sample = []
            for b, sample in enumerate(samples):
                keypoints = sample.gt_instances.keypoints[0]
                flags = sample.gt_instances.keypoints_visible[0]
                joint_losses = []
                for k, ((x, y), flag) in enumerate(zip(keypoints, flags, strict=True)):
                    target = authors_target(x, y, kernel) if flag > 0 else np.zeros(pred.shape[-2:])
                    if scale < 3 and flag < 2:
                        target = np.zeros_like(target)
                    joint_losses.append(((pred[b, k] - target) ** 2).mean())
                if scale < 3:
                    per_sample.append(np.mean(joint_losses))
                else:
                    labelled = sorted((loss for loss, flag in zip(joint_losses, flags, strict=True) if flag > 0),
                                      reverse=True)
                    per_sample.append(sum(labelled[:topk]) / topk)
            total += weights[scale] * np.mean(per_sample)
        totals.append(total)
    return totals


def test_loss_equals_the_authors_loss_written_out():
    torch.manual_seed(1234)
    head = make_head(num_stages=2, decoder=codec_cfg(), loss=dict(type='MSPNMultiScaleLoss', mask_policy='visible'))
    head.init_weights()
    feats = [stage_feats(), stage_feats()]
    samples = make_pose_data_samples(head.decoder, 2, seed=7)
    # every keypoint inside the input, so that each is labelled (the codec drops keypoints outside it)
    assert all((s.gt_instance_labels.keypoint_weights > 0).sum() == (s.gt_instances.keypoints_visible > 0).sum()
               for s in samples)
    losses = head.loss(feats, samples)
    expected = naive_loss(head.forward(feats), samples, [[15, 11, 9, 7], [11, 9, 7, 5]])
    assert min(expected) > 100  # far from zero: the comparison below is not trivially met
    np.testing.assert_allclose([losses['loss_stage1'].item(), losses['loss_stage2'].item()], expected, rtol=1e-4)


def test_every_parameter_gets_a_gradient_from_the_loss():
    head = make_head(num_stages=2)
    losses = head.loss([stage_feats(), stage_feats()], make_pose_data_samples(head.decoder, 2))
    sum(v for k, v in losses.items() if k.startswith('loss')).backward()
    assert [n for n, p in head.named_parameters() if p.grad is None] == []


def test_predict_runs_only_the_final_predictor():
    head = make_head(num_stages=2).eval()
    called = []
    for stage, predictors in enumerate(head.predictors):
        for scale, predictor in enumerate(predictors):
            predictor.register_forward_hook(lambda *_, key=(stage, scale): called.append(key))
    preds = head.predict([stage_feats(), stage_feats()], make_pose_data_samples(head.decoder, 2))
    assert called == [(1, 3)]
    assert len(preds) == 2 and preds[0].keypoints.shape == (1, 17, 2)
    assert preds[0].keypoint_scores.shape == (1, 17)


def test_flip_test_averages_with_the_flipped_and_swapped_heatmaps():
    torch.manual_seed(0)
    head = make_head(num_stages=1).eval()
    feats, flipped_feats = stage_feats(1), stage_feats(1)
    samples = make_pose_data_samples(head.decoder, 1)
    _, fields = head.predict([feats, flipped_feats], samples,
                             test_cfg=dict(flip_test=True, output_heatmaps=True))
    with torch.no_grad():
        direct = head.forward_final(feats)
        mirrored = head.forward_final(flipped_feats).flip(-1)[:, samples[0].metainfo['flip_indices']]
    torch.testing.assert_close(fields[0].heatmaps, ((direct + mirrored) / 2)[0])


def test_every_stage_heatmaps_are_each_stage_finest_predictor_flip_averaged():
    torch.manual_seed(0)
    head = make_head(num_stages=2).eval()
    feats, flipped_feats = [stage_feats(2), stage_feats(2)], [stage_feats(2), stage_feats(2)]
    samples = make_pose_data_samples(head.decoder, 2)
    test_cfg = dict(flip_test=True, output_stage_heatmaps=True)
    preds, fields = head.predict([feats, flipped_feats], samples, test_cfg=test_cfg)
    final_preds, final_fields = head.predict([feats, flipped_feats], samples,
                                             test_cfg=dict(flip_test=True, output_heatmaps=True))
    flip_indices = samples[0].metainfo['flip_indices']
    with torch.no_grad():
        for stage in range(2):
            direct = head.predictors[stage][-1](feats[stage][-1], (16, 12))
            mirrored = head.predictors[stage][-1](flipped_feats[stage][-1], (16, 12)).flip(-1)[:, flip_indices]
            for person in range(2):
                torch.testing.assert_close(fields[person].stage_heatmaps[stage * 17:(stage + 1) * 17],
                                           ((direct + mirrored) / 2)[person])
    for person in range(2):
        assert fields[person].stage_heatmaps.shape == (2 * 17, 16, 12)
        torch.testing.assert_close(fields[person].heatmaps, final_fields[person].heatmaps)
        np.testing.assert_array_equal(preds[person].keypoints, final_preds[person].keypoints)
    assert not torch.allclose(fields[0].stage_heatmaps[:17], fields[0].stage_heatmaps[17:])


def test_predictions_follow_the_papers_decoding_worked_by_hand():
    """One keypoint's heatmap holds 200 at cell (x 5, y 7) and 160 at (6, 7): after the post-Gaussian filter the
    maximum stays at (5, 7) and the second highest response is (6, 7), so the keypoint moves a quarter cell to
    x 5.25; in input pixels (stride 4, cell centres): ((5.25 + 0.5) * 4, (7 + 0.5) * 4) = (23, 30); its score
    is the unfiltered value there / 255 + 0.5. A second keypoint peaks at the corner cell (0, 0) with its second
    response below it: (0.5 * 4, (0.25 + 0.5) * 4) = (2, 3)."""
    head = make_head(num_stages=1).eval()
    heatmaps = torch.zeros(1, 17, 16, 12)
    heatmaps[0, 0, 7, 5], heatmaps[0, 0, 7, 6] = 200.0, 160.0
    heatmaps[0, 1, 0, 0], heatmaps[0, 1, 1, 0] = 100.0, 50.0
    (pred,) = head.predict_from_heatmaps(heatmaps)
    np.testing.assert_allclose(pred.keypoints[0, 0], [23.0, 30.0], atol=1e-5)
    np.testing.assert_allclose(pred.keypoint_scores[0, 0], 200 / 255 + 0.5, atol=1e-6)
    np.testing.assert_allclose(pred.keypoints[0, 1], [2.0, 3.0], atol=1e-5)
    np.testing.assert_allclose(pred.keypoint_scores[0, 1], 100 / 255 + 0.5, atol=1e-6)
