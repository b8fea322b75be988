"""MMPose's pose visualiser, usable under numpy 2 and in every process of a distributed group."""
from collections.abc import Iterator
from contextlib import contextmanager

import mmengine.dist.utils as mmengine_dist_utils
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


@contextmanager
def drawing_on_every_rank() -> Iterator[None]:
    """Let MMEngine's visualisers draw in every process of a distributed group while the block runs.

    Their drawing methods are ``master_only``: they do nothing outside rank 0, as training wants, while distributed
    inference draws each rank's share of the images. ``master_only`` asks ``mmengine.dist.utils.is_main_process``
    at every call; here it answers True.
    """
    original = mmengine_dist_utils.is_main_process
    mmengine_dist_utils.is_main_process = lambda group=None: True
    try:
        yield
    finally:
        mmengine_dist_utils.is_main_process = original
