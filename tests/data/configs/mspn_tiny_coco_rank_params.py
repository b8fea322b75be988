# The tiny config, plus a hook that saves each rank's parameters at the end (distributed tests).
_base_ = ['mspn_tiny_coco.py']

custom_imports = dict(imports=['mspn_plugin', 'mspn_plugin.testing.hooks'])
custom_hooks = [dict(type='SaveRankParametersHook')]
