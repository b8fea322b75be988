from .pose_visualizer import Numpy2PoseLocalVisualizer, drawing_on_every_rank
from .track_drawing import draw_tracked_poses, track_colour

__all__ = ['Numpy2PoseLocalVisualizer', 'draw_tracked_poses', 'drawing_on_every_rank', 'track_colour']
