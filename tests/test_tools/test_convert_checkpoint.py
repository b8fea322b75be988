"""tools/convert_checkpoint.py: MMPose's and the authors' files converted, foreign files named in the error."""
import pytest
import torch
from mmpose.models.backbones import MSPN
from mmpose.models.heads import MSPNHead

from helpers.readme import run_readme
from helpers.tools import load_tool
from mspn_plugin.models import MSPNBackbone, MSPNHeatmapHead

convert_checkpoint = load_tool('convert_checkpoint')


def mmpose_state_dict(num_stages: int) -> dict:
    backbone = MSPN(num_stages=num_stages, num_blocks=[3, 4, 6, 3], init_cfg=None)
    head = MSPNHead(num_stages=num_stages, out_shape=(16, 16), out_channels=17,
                    level_indices=list(range(num_stages * 4)))
    return {**{f'backbone.{k}': v for k, v in backbone.state_dict().items()},
            **{f'head.{k}': v for k, v in head.state_dict().items()}}


@pytest.mark.slow
def test_an_mmpose_runner_checkpoint_converts_to_our_layout(tmp_path):
    src, dst = tmp_path / 'mmpose.pth', tmp_path / 'ours.pth'
    torch.save({'meta': {'epoch': 3}, 'state_dict': mmpose_state_dict(2)}, src)
    result = run_readme('.venv/bin/python tools/convert_checkpoint.py --from mmpose SRC DST', SRC=src, DST=dst)
    assert 'wrote' in result.stdout
    ours = torch.nn.ModuleDict(dict(
        backbone=MSPNBackbone(num_stages=2),
        head=MSPNHeatmapHead(num_stages=2, decoder=dict(type='CoarseToFineHeatmap', input_size=(64, 64)))))
    ours.load_state_dict(torch.load(dst, weights_only=True)['state_dict'], strict=True)


@pytest.mark.parametrize('source,content,fragments', [
    ('mmpose', {'state_dict': {'backbone.conv1.weight': torch.zeros(1)}}, ['other.pth', 'backbone.conv1.weight']),
    ('authors', {'state_dict': {'backbone.top.top.0.conv.weight': torch.zeros(1)}},
     ['other.pth', '--from authors', 'backbone.top.top.0.conv.weight']),
    ('authors', [torch.zeros(1)], ['other.pth', 'holds a list']),
], ids=['not MMPose MSPN', 'not the authors', 'not a dict'])
def test_a_foreign_file_is_named_with_the_reason(tmp_path, source, content, fragments):
    src = tmp_path / 'other.pth'
    torch.save(content, src)
    with pytest.raises(SystemExit) as error:
        convert_checkpoint.main(['--from', source, str(src), str(tmp_path / 'out.pth')])
    assert all(fragment in str(error.value) for fragment in fragments), error.value
    assert not (tmp_path / 'out.pth').exists()
