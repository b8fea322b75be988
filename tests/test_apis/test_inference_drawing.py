"""Drawing back from results: the tracked poses of an image rebuilt from its COCO keypoint results (no model)."""
import numpy as np

from mspn_plugin.apis import ImagePoses
from mspn_plugin.apis.inference_drawing import poses_from_results


def test_tracked_poses_are_drawn_back_from_their_results_also_in_an_image_without_people():
    results = ImagePoses(np.arange(12, dtype=np.float32).reshape(2, 3, 2), np.full((2, 3), 0.9, np.float32),
                         np.array([[1, 2, 11, 22, 0.8], [5, 5, 9, 9, 0.5]], np.float32), np.array([0.7, 0.4]),
                         track_ids=np.array([3, 8])).to_coco_results(file_name='a.jpg', frame_index=0)
    poses = poses_from_results(results)
    np.testing.assert_allclose(poses.keypoints, np.arange(12).reshape(2, 3, 2))
    np.testing.assert_allclose(poses.boxes[:, :4], [[1, 2, 11, 22], [5, 5, 9, 9]])
    assert poses.track_ids.tolist() == [3, 8] and np.allclose(poses.keypoint_scores, 0.9)
    assert len(poses_from_results([])) == 0
