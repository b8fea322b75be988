# The tiny config, plus a test hook that saves each rank's parameters at the end (distributed tests; needs tests/ on
# PYTHONPATH, as the tests' subprocesses have).
_base_ = ['mspn_tiny_coco.py']

custom_imports = dict(imports=['mspn_plugin', 'helpers.hooks'])
custom_hooks = [dict(type='SaveRankParametersHook')]
