from .coarse_to_fine_heatmap import CoarseToFineHeatmap, authors_kernel_schedule

__all__ = ['CoarseToFineHeatmap', 'authors_kernel_schedule']
