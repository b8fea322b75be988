from .multi_scale_heatmap_loss import MSPNMultiScaleLoss

__all__ = ['MSPNMultiScaleLoss']
