from .pose_visualizer import Numpy2PoseLocalVisualizer

__all__ = ['Numpy2PoseLocalVisualizer']
