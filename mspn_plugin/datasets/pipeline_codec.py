"""One pipeline written once, derived for other input sizes (the steps that depend on the codec follow it) and other
keypoint sets (the half-body crop follows the dataset's metainfo)."""
from collections.abc import Sequence


def with_codec(pipeline: Sequence[dict], codec: dict) -> list[dict]:
    """A copy of ``pipeline`` whose codec-dependent steps follow ``codec``: ``TopdownAffine`` crops to its
    ``input_size`` (w, h) and ``GenerateTarget`` encodes with it. Every other step is kept as it is.

    Configs call it to derive a pipeline at another input size (or with another codec) from their base's, so the
    augmentation is written once, in the dataset base config::

        codec = dict(_base_.codec, input_size=(288, 384))
        train_pipeline = with_codec(_base_.train_pipeline, codec)
    """
    changes = dict(TopdownAffine=dict(input_size=tuple(codec['input_size'])), GenerateTarget=dict(encoder=codec))
    return [dict(step, **changes.get(step['type'], {})) for step in pipeline]


def with_metainfo_body_split(pipeline: Sequence[dict]) -> list[dict]:
    """A copy of ``pipeline`` whose half-body crop (``UpperLowerBodyCrop``) takes the upper and lower body from the
    dataset's metainfo (each keypoint's ``type``) instead of the COCO joint ids the COCO recipe names (the
    authors'). Every other step is kept as it is. For datasets with other keypoints::

        train_pipeline = with_metainfo_body_split(_base_.train_pipeline)
    """
    return [dict(step, upper_body_ids=None, lower_body_ids=None) if step['type'] == 'UpperLowerBodyCrop' else step
            for step in pipeline]
