from .pose_visualizer import Numpy2PoseLocalVisualizer, drawing_on_every_rank

__all__ = ['Numpy2PoseLocalVisualizer', 'drawing_on_every_rank']
