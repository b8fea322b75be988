from .mspn_heatmap_head import MSPNHeatmapHead

__all__ = ['MSPNHeatmapHead']
