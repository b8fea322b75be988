# The tiny config, killed once (with its launcher and the process group that started it) right after its first
# checkpoint (iteration 2 of 4): the reproduction tool's resumed row. Needs tests/ on PYTHONPATH.
_base_ = ['mspn_tiny_coco.py']

custom_imports = dict(imports=['mspn_plugin', 'helpers.hooks'])
custom_hooks = [dict(type='KillOnceHook', at_iter=2)]
