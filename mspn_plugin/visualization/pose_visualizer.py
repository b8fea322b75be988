"""MMPose's pose visualiser, usable under numpy 2."""
import numpy as np
from mmpose.registry import VISUALIZERS
from mmpose.visualization import PoseLocalVisualizer


@VISUALIZERS.register_module()
class Numpy2PoseLocalVisualizer(PoseLocalVisualizer):
    """``PoseLocalVisualizer`` whose OpenCV backend accepts one-element radius arrays.

    MMPose 1.3.2 draws keypoints with ``radius=np.array([r])`` and its OpenCV backend calls ``int()`` on it,
    which numpy >= 2.3 rejects ("only 0-dimensional arrays can be converted to Python scalars").
    Drawing is otherwise unchanged.
    """

    def draw_circles(self, center, radius, face_colors='none', alpha=1.0, **kwargs):
        if self.backend == 'opencv' and np.size(radius) == 1:
            radius = float(np.asarray(radius).reshape(-1)[0])
        return super().draw_circles(center, radius, face_colors=face_colors, alpha=alpha, **kwargs)
