import numpy as np
import pytest
from mmengine.structures import InstanceData
from mmpose.datasets.datasets.utils import parse_pose_metainfo
from mmpose.structures import PoseDataSample
from mmpose.visualization import PoseLocalVisualizer

from mspn_plugin.visualization import Numpy2PoseLocalVisualizer


def sample_with_pose() -> PoseDataSample:
    rng = np.random.default_rng(0)
    sample = PoseDataSample()
    sample.pred_instances = InstanceData(keypoints=rng.uniform(10, 90, (1, 17, 2)),
                                         keypoint_scores=np.ones((1, 17)))
    return sample


@pytest.mark.parametrize('cls', [PoseLocalVisualizer, Numpy2PoseLocalVisualizer])
def test_drawing_keypoints_under_numpy2(cls):
    visualizer = cls(name=f'vis_{cls.__name__}', radius=3)
    visualizer.set_dataset_meta(parse_pose_metainfo(dict(from_file='configs/_base_/datasets/coco.py')))
    image = np.zeros((100, 100, 3), dtype=np.uint8)
    if cls is PoseLocalVisualizer and np.lib.NumpyVersion(np.__version__) >= '2.3.0':
        with pytest.raises(TypeError, match='0-dimensional'):
            visualizer.add_datasample('pose', image, sample_with_pose(), draw_gt=False)
        return
    visualizer.add_datasample('pose', image, sample_with_pose(), draw_gt=False)
    assert visualizer.get_image().sum() > 0
