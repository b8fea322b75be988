from .mspn_topdown_estimator import MSPNTopdownEstimator

__all__ = ['MSPNTopdownEstimator']
