"""Loading a checkpoint trained for one keypoint set into a model for another (fine-tuning COCO weights to K joints).

Every weight whose name and shape fit is loaded. The per-keypoint tensors (the last convolution of each predictor,
its bias and its norm layer: first dimension K) cannot fit when K differs; they keep the model's fresh
initialisation, except that, given both keypoint name lists, the rows of keypoints found by name in both sets are
copied over. Nothing happens silently: :meth:`TransferSummary.line` says what was loaded and what was not.
"""
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import torch.nn as nn
from mmengine.runner.checkpoint import CheckpointLoader
from torch import Tensor

from .loading import CheckpointReadError, state_dict_of
from .mmpose_keys import rename_mmpose_keys


@dataclass
class TransferSummary:
    """What :func:`transfer_keypoint_weights` did, by state-dict key."""

    loaded: list[str] = field(default_factory=list)
    reinitialised: list[str] = field(default_factory=list)
    rows_by_name: list[str] = field(default_factory=list)  # re-initialised keys whose matching rows were copied
    carried_keypoints: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)  # checkpoint keys the model does not have

    def line(self, source: str, num_source: int | None, num_target: int) -> str:
        """One line for the log: ``source`` (file or URL), the keypoint counts, and the keys in each group."""
        counts = f'{num_source} -> {num_target} keypoints' if num_source else f'{num_target} keypoints'
        parts = [f'fine-tuning from {source} ({counts}): loaded {len(self.loaded)} of '
                 f'{len(self.loaded) + len(self.reinitialised)} tensors',
                 f're-initialised {len(self.reinitialised)}: {_listed(self.reinitialised)}' if self.reinitialised
                 else 're-initialised none']
        if self.carried_keypoints:
            parts.append(f'rows of {len(self.carried_keypoints)} keypoints carried over by name into '
                         f'{len(self.rows_by_name)} of them ({_listed(self.carried_keypoints, 6)})')
        if self.unused:
            parts.append(f'{len(self.unused)} checkpoint tensors unused: {_listed(self.unused)}')
        return '; '.join(parts)


def _listed(items: list[str], shown: int = 3) -> str:
    return ', '.join(items[:shown]) + (f' and {len(items) - shown} more' if len(items) > shown else '')


def matching_rows(source: Sequence[str], target: Sequence[str]) -> tuple[list[int], list[int]]:
    """Indices ``(source_rows, target_rows)`` of the keypoint names present in both lists, in target order."""
    where = {name: index for index, name in enumerate(source)}
    pairs = [(where[name], index) for index, name in enumerate(target) if name in where]
    return [s for s, _ in pairs], [t for _, t in pairs]


def transfer_keypoint_weights(model: nn.Module, state_dict: Mapping[str, Tensor],
                              source_keypoints: Sequence[str] | None = None,
                              target_keypoints: Sequence[str] | None = None) -> TransferSummary:
    """Load into ``model`` every tensor of ``state_dict`` (ours or MMPose's key names) that fits it; the others
    keep the model's current values.

    Args:
        model: the pose estimator, already initialised (its per-keypoint layers keep that initialisation).
        state_dict: the checkpoint's weights.
        source_keypoints: keypoint names of the checkpoint's dataset, in channel order (K_src), or None.
        target_keypoints: keypoint names of the model's dataset (K), or None. With both, a tensor whose first
            dimension is K_src in the checkpoint and K in the model, the rest equal, gets the rows of the
            keypoints named in both.

    Returns:
        What was loaded, re-initialised and carried over.
    """
    theirs = OrderedDict(state_dict)
    rename_mmpose_keys(theirs, 'backbone.', 'backbone')
    rename_mmpose_keys(theirs, 'head.', 'head')
    own = model.state_dict()
    source_rows, target_rows = (matching_rows(source_keypoints, target_keypoints)
                                if source_keypoints and target_keypoints else ([], []))
    summary = TransferSummary(unused=[key for key in theirs if key not in own],
                              carried_keypoints=[target_keypoints[t] for t in target_rows])
    merged = OrderedDict()
    for key, mine in own.items():
        other = theirs.get(key)
        if other is not None and other.shape == mine.shape:
            merged[key] = other
            summary.loaded.append(key)
            continue
        merged[key] = mine.clone()
        summary.reinitialised.append(key)
        if (other is not None and target_rows and other.dim() > 0 and other.shape[1:] == mine.shape[1:]
                and other.shape[0] == len(source_keypoints) and mine.shape[0] == len(target_keypoints)):
            merged[key][target_rows] = other[source_rows].to(mine.dtype)
            summary.rows_by_name.append(key)
    model.load_state_dict(merged)
    return summary


def keypoint_names(metainfo: Mapping | None) -> list[str] | None:
    """The keypoint names of an MMPose dataset metainfo, in channel order; None when it has none."""
    id2name = (metainfo or {}).get('keypoint_id2name')
    return [id2name[index] for index in sorted(id2name)] if id2name else None


def fine_tune_from(model: nn.Module, filename: str, target_metainfo: Mapping | None = None,
                   by_name: bool = True) -> str:
    """Load checkpoint ``filename`` (path or URL, read weights-only) into ``model`` with
    :func:`transfer_keypoint_weights`; with ``by_name``, keypoint names come from the checkpoint's
    ``meta.dataset_meta`` and ``target_metainfo``. Returns the summary line.

    Raises:
        CheckpointReadError: the file holds no state dict.
    """
    checkpoint = CheckpointLoader.load_checkpoint(filename, map_location='cpu')
    try:
        state_dict = state_dict_of(checkpoint)
    except (TypeError, KeyError) as error:
        raise CheckpointReadError(f'{filename}: {error.args[0]}') from error
    source = keypoint_names(checkpoint.get('meta', {}).get('dataset_meta'))
    target = keypoint_names(target_metainfo)
    summary = transfer_keypoint_weights(model, state_dict, source if by_name else None,
                                        target if by_name else None)
    num_target = len(target) if target else getattr(getattr(model, 'head', None), 'out_channels', 0)
    return summary.line(filename, len(source) if source else None, num_target)
