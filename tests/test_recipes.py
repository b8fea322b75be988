"""The paper configs train as the published numbers were obtained: ImageNet initialisation through MMEngine's
loader, the authors' learning rate, half-body crop, Table 4 supervision and MPII recipe (the schedule at any GPU
count: tests/test_engine/test_schedule_scaling.py)."""
import json

import numpy as np
import pytest
import torch
import torchvision
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from mmpose.registry import DATASETS, MODELS, TRANSFORMS

from helpers.configs import data_options, on_sample_data
from helpers.paths import COCO_2XMSPN50, COCO_CONFIGS, MPII_4XMSPN50, MPII_SAMPLES, SAMPLES
from helpers.tools import load_tool
from mspn_plugin.checkpoint import cached_download_path, torchvision_url
from mspn_plugin.engine import prepare_config

OFFLINE = {'HTTP_PROXY': 'http://127.0.0.1:9', 'HTTPS_PROXY': 'http://127.0.0.1:9'}  # a closed port: no network


def runner_for(config, work_dir) -> Runner:
    """A runner of ``config`` as tools/train.py builds it, its model shrunk (the optimiser does not depend on it)
    and without the ImageNet weights and detections that are not here."""
    small_model = {'model.backbone.num_stages': 1, 'model.backbone.down_unit.depth': 18,
                   'model.backbone.up_channels': 16, 'model.head.num_stages': 1, 'model.head.in_channels': 16}
    cfg = prepare_config(str(config), str(work_dir), {'model.backbone.init_cfg': None,
                                                      'val_dataloader.dataset.bbox_file': None,
                                                      'test_dataloader.dataset.bbox_file': None, **small_model})
    return Runner.from_cfg(cfg)


@pytest.fixture
def torch_home(tmp_path, monkeypatch):
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch_home'))
    for key, value in OFFLINE.items():
        monkeypatch.setenv(key, value)
    return tmp_path / 'torch_home'


@pytest.mark.slow
def test_imagenet_weights_come_from_the_torch_hub_cache(torch_home):
    """A random ResNet-50 placed where MMEngine's torchvision://resnet50 is cached reaches the stem and the down
    unit of every stage, exactly; nothing is downloaded (the network is closed)."""
    path = cached_download_path(torchvision_url('torchvision://resnet50'))
    assert path.startswith(str(torch_home)) and path.endswith('resnet50-0676ba61.pth')
    torch.manual_seed(0)
    resnet = torchvision.models.resnet50(weights=None).state_dict()
    (torch_home / 'hub/checkpoints').mkdir(parents=True)
    torch.save(resnet, path)
    init_default_scope('mmpose')
    model = MODELS.build(Config.fromfile(str(COCO_2XMSPN50)).model)
    assert model.backbone.pretrained[0]['checkpoint'] == 'torchvision://resnet50'
    model.init_weights()
    ours = model.backbone.state_dict()
    assert torch.equal(ours['stem.0.conv.weight'], resnet['conv1.weight'])
    assert torch.equal(ours['stem.0.bn.running_var'], resnet['bn1.running_var'])
    for stage in range(2):
        for key, value in resnet.items():
            layer, _, rest = key.partition('.')
            if layer.startswith('layer'):
                assert torch.equal(ours[f'stages.{stage}.down_unit.layers.{int(layer[-1]) - 1}.{rest}'], value), key


@pytest.mark.slow
def test_without_the_file_and_without_network_training_stops_with_one_line(torch_home, tmp_path, capfd):
    status = load_tool('train').main([str(COCO_2XMSPN50), '--work-dir', str(tmp_path / 'work'), '--cfg-options',
                                      *data_options(str(SAMPLES), 'test_coco.json')])
    error = capfd.readouterr().err.strip().splitlines()[-1]
    assert status == 1
    assert error.startswith('error: ') and 'resnet50-0676ba61.pth' in error and str(torch_home) in error
    assert 'model.backbone.init_cfg.checkpoint=' in error and 'Traceback' not in error


@pytest.mark.slow
def test_learning_rate_is_the_authors_at_any_gpu_count(tmp_path):
    """MMEngine's auto_scale_lr, on in the paper configs: 4e-3 at 8 GPUs x 32, the authors' 5e-4 x num_gpu."""
    for world_size, lr in ((8, 4e-3), (4, 2e-3), (1, 5e-4)):
        runner = runner_for(COCO_2XMSPN50, tmp_path / str(world_size))
        runner._world_size = world_size
        runner.optim_wrapper = runner.build_optim_wrapper(runner.optim_wrapper)
        runner.scale_lr(runner.optim_wrapper, runner.auto_scale_lr)
        assert runner.optim_wrapper.get_lr()['lr'] == [pytest.approx(lr)]


def test_mpii_follows_the_authors_mpii_recipe():
    cfg = Config.fromfile(str(MPII_4XMSPN50))
    steps = {step['type']: step for step in cfg.train_dataloader.dataset.pipeline}
    assert steps['GetBBoxCenterScale']['padding'] == 1.25
    assert steps['UniformScaleRotation']['max_rotation'] == 60 and steps['UniformScaleRotation']['rotate_prob'] == 0.5
    assert tuple(steps['UniformScaleRotation']['scale_range']) == (0.75, 1.25)
    assert steps['UpperLowerBodyCrop']['prob'] == 0.5 and steps['UpperLowerBodyCrop']['min_keypoints'] == 8
    assert steps['UpperLowerBodyCrop']['part_keypoints'] == 3 and 'upper_body_ids' not in steps['UpperLowerBodyCrop']
    assert steps['ZeroBasedKeypoints']['first_pixel'] == 1  # measured in tests/test_datasets/test_transforms/
    assert cfg.model.head.decoder.test_kernel_size == 9
    test_steps = {step['type']: step for step in cfg.val_dataloader.dataset.pipeline}
    assert test_steps['GetBBoxCenterScale']['padding'] == 1.25 and 'ZeroBasedKeypoints' not in test_steps


def build_step(cfg: Config, name: str):
    init_default_scope('mmpose')
    return TRANSFORMS.build(next(step for step in cfg.train_dataloader.dataset.pipeline if step['type'] == name))


@pytest.mark.parametrize('config', [COCO_2XMSPN50, COCO_CONFIGS / 'td-hm_4xmspn50_8xb32-96k_coco-384x288.py'])
def test_coco_half_body_is_the_authors(config):
    """The COCO recipe crops as the authors' JointsDataset.half_body_transform, with their COCO split (hips in the
    upper body, knees and ankles the lower), whatever the dataset's metainfo (MMPose's puts the hips in the lower
    body)."""
    crop = build_step(Config.fromfile(str(config)), 'UpperLowerBodyCrop')
    assert (crop.min_keypoints, crop.prob, crop.upper_prob, crop.part_keypoints) == (3, 0.3, 0.69, 3)
    assert list(crop.upper_body_ids) == list(range(13)) and list(crop.lower_body_ids) == [13, 14, 15, 16]
    keypoints = np.stack([np.full(17, 50.0), np.arange(17) * 10.0], axis=1)[None].astype(np.float32)
    results = dict(keypoints=keypoints, keypoints_visible=np.ones((1, 17), np.float32),
                   upper_body_ids=list(range(11)), lower_body_ids=list(range(11, 17)),
                   bbox_center=np.zeros((1, 2), np.float32), bbox_scale=np.ones((1, 2), np.float32))
    crop.prob, crop.extension = 1.0, np.zeros(2, np.float32)
    crop.upper_prob = 1.0
    assert crop(dict(results))['bbox_center'][0, 1] == pytest.approx(60.0)  # joints 0-12: y 0 to 120
    crop.upper_prob = 0.0
    assert crop(dict(results))['bbox_center'][0, 1] == pytest.approx(145.0)  # joints 13-16: y 130 to 160


def authors_loss(preds: list[torch.Tensor], targets: list[torch.Tensor], valid: torch.Tensor) -> torch.Tensor:
    """One stage of the authors' loss (lib/utils/loss.py JointsL2Loss, network.py): per sample, L2 over all K joints
    with the targets of joints not flagged visible (valid <= 1) zeroed, on the three coarser scales (weight 1/4);
    OHKM over the 8 hardest labelled (valid > 0) joints on the finest; the mean over the batch."""
    total = 0
    for scale, (pred, target) in enumerate(zip(preds, targets, strict=True)):
        per_sample = []
        for i in range(len(pred)):
            if scale < 3:
                per_sample.append(((pred[i] - target[i] * (valid[i] > 1)[:, None, None]) ** 2).mean() / 4)
            else:
                joint_losses = ((pred[i] - target[i]) ** 2).flatten(1).mean(1) * (valid[i] > 0)
                per_sample.append(joint_losses.topk(8).values.mean())
        total = total + torch.stack(per_sample).mean()
    return total


def test_mpii_loss_is_the_authors_l2_over_all_joints():
    """The MPII recipe's targets and loss, on an instance with unlabelled joints, equal the authors' MPII loss, whose
    flags are 2 for every labelled joint inside the input (their loader's joints_vis x 2): the predictions of the
    unlabelled joints are pushed toward empty maps (MMPose's 'labelled' policy would leave them out of the loss)."""
    cfg = on_sample_data(Config.fromfile(str(MPII_4XMSPN50)), (64, 64))
    pipeline = [dict(step, pack_transformed=True) if step['type'] == 'PackPoseInputs' else step
                for step in cfg.train_dataloader.dataset.pipeline
                if step['type'] not in ('RandomFlip', 'UpperLowerBodyCrop', 'UniformScaleRotation')]
    init_default_scope('mmpose')
    dataset = DATASETS.build(dict(cfg.train_dataloader.dataset, pipeline=pipeline))
    annotations = json.loads((MPII_SAMPLES / 'test_mpii.json').read_text())
    index = next(i for i, ann in enumerate(annotations) if 0 < sum(ann['joints_vis']) < 16)
    sample = dataset[index]['data_samples']
    inside = ((sample.gt_instances.transformed_keypoints[0] >= 0)
              & (sample.gt_instances.transformed_keypoints[0] <= 63)).all(-1)  # the authors' check, 64 x 64 input
    valid = torch.from_numpy(np.asarray(annotations[index]['joints_vis']) * 2.0 * inside)[None]
    codec = cfg.model.head.decoder
    heatmaps = sample.gt_fields.heatmaps.reshape(len(codec.target_kernels), 16, 16, 16)
    targets = [heatmaps[codec.target_kernels.index(kernel)][None] for kernel in (11, 9, 7, 5)]  # the last stage's
    torch.manual_seed(0)
    preds = [torch.rand_like(target) * 200 for target in targets]
    labels = sample.gt_instance_labels
    ours = MODELS.build(cfg.model.head.loss)([preds], [targets], labels.keypoint_weights,
                                             labels.visible_keypoint_weights)['loss_stage1']
    assert (valid == 0).any() and (valid == 2).any()
    torch.testing.assert_close(ours, authors_loss(preds, targets, valid).float(), rtol=1e-5, atol=0)


def authors_kernels(num_stages: int, coarse_to_fine: bool) -> list[list[int]]:
    """The kernel supervising each stage and scale in the authors' network.py: label j (scale j, coarsest first) of
    TRAIN.GAUSSIAN_KERNELS = 15, 11, 9, 7, 5, moved one further in the last stage when LOSS.COARSE_TO_FINE."""
    kernels = (15, 11, 9, 7, 5)
    return [[kernels[j + (1 if stage == num_stages - 1 and coarse_to_fine else 0)] for j in range(4)]
            for stage in range(num_stages)]


@pytest.mark.parametrize('config, coarse_to_fine, aggregation', [
    ('td-hm_2xmspn50-nocsfa_noctf-8xb32-96k_coco-256x192.py', False, False),  # Table 4 BaseNet
    ('td-hm_2xmspn50-nocsfa_8xb32-96k_coco-256x192.py', True, False),  # Table 4 + CTF
    ('td-hm_2xmspn50_8xb32-96k_coco-256x192.py', True, True)])  # Table 4 + CTF + CSFA
def test_table4_supervision_is_the_authors(config, coarse_to_fine, aggregation):
    cfg = Config.fromfile(str(COCO_CONFIGS / config))
    with torch.device('meta'):
        head = MODELS.build(cfg.model.head)
    assert head.kernel_schedule == authors_kernels(2, coarse_to_fine)
    assert cfg.model.backbone.cross_stage_aggregation == aggregation
