"""Checkpoints with random weights for any config, for tests of the tools (no training needed)."""
from pathlib import Path

import torch
from mmengine.config import Config
from mmpose.apis import init_model


def save_random_checkpoint(config: str | Path, path: Path, seed: int = 0, **cfg_options) -> Path:
    """Save ``{'state_dict': ...}`` of the model ``config`` builds (after ``cfg_options``) with seeded random
    weights to ``path``; returns ``path``."""
    cfg = Config.fromfile(str(config))
    cfg.merge_from_dict(cfg_options)
    torch.manual_seed(seed)
    torch.save({'state_dict': init_model(cfg, None, device='cpu').state_dict()}, path)
    return path

