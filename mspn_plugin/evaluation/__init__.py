from .codec_round_trip import codec_round_trip_metrics

__all__ = ['codec_round_trip_metrics']
