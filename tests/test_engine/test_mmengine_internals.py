"""The MMEngine internals that SafeRunner and SafeCheckpointHook override or call. These are private: an MMEngine
release may rename or reshape them without notice, and the overrides would then be skipped silently (a checkpoint
loaded partly, or saved non-atomically). Each test names the part and what relies on it."""
import inspect

from mmengine.config import Config
from mmengine.hooks import CheckpointHook
from mmengine.runner import Runner
from mmengine.runner import checkpoint as mmengine_checkpoint

from mspn_plugin.checkpoint.loading import install_checkpoint_loaders
from mspn_plugin.engine.safe_checkpoint_hook import SafeCheckpointHook
from mspn_plugin.engine.safe_runner import SafeRunner


def parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_runner_load_checkpoint_keeps_its_signature():
    assert parameters(Runner.load_checkpoint)[:5] == ['self', 'filename', 'map_location', 'strict', 'revise_keys'], (
        'SafeRunner.load_checkpoint overrides Runner.load_checkpoint with these arguments')
    assert parameters(SafeRunner.load_checkpoint)[:5] == parameters(Runner.load_checkpoint)[:5]


def test_runner_still_decides_loading_by_has_loaded():
    source = inspect.getsource(Runner.load_or_resume)
    assert 'self._has_loaded' in source and 'self.load_checkpoint(' in source, (
        'SafeRunner.load_checkpoint sets Runner._has_loaded, which Runner.load_or_resume reads before loading')


def test_mmengine_load_checkpoint_function_is_there():
    assert parameters(mmengine_checkpoint._load_checkpoint)[:2] == ['filename', 'map_location'], (
        'SafeRunner.load_checkpoint reads files through mmengine.runner.checkpoint._load_checkpoint')


def test_checkpoint_hook_saves_through_save_checkpoint_with_step():
    assert parameters(CheckpointHook._save_checkpoint_with_step) == ['self', 'runner', 'step', 'meta'], (
        'SafeCheckpointHook overrides CheckpointHook._save_checkpoint_with_step(runner, step, meta)')
    callers = inspect.getsource(CheckpointHook)
    assert callers.count('self._save_checkpoint_with_step(') >= 2, (
        'CheckpointHook must save every checkpoint (by interval and at the end) through _save_checkpoint_with_step')
    assert parameters(SafeCheckpointHook._save_checkpoint_with_step) == parameters(
        CheckpointHook._save_checkpoint_with_step)


def test_checkpoint_hook_has_the_attributes_the_override_reads():
    hook = SafeCheckpointHook(interval=1, max_keep_ckpts=2)
    used = {'max_keep_ckpts', 'keep_ckpt_ids', 'filename_tmpl', 'last_ckpt', 'file_client_args', 'save_optimizer',
            'save_param_scheduler', 'by_epoch', 'backend_args', 'args'}
    hook.keep_ckpt_ids = None  # made in before_train; its presence is checked in MMEngine's source below
    missing = {name for name in used if not hasattr(hook, name)}
    assert not missing, f'SafeCheckpointHook reads these CheckpointHook attributes, gone: {missing}'
    assert 'self.keep_ckpt_ids' in inspect.getsource(CheckpointHook.before_train), (
        'SafeCheckpointHook rotates CheckpointHook.keep_ckpt_ids, made in before_train')


def test_checkpoint_loader_still_takes_schemes_by_prefix():
    assert parameters(mmengine_checkpoint.CheckpointLoader.register_scheme)[:3] == ['prefixes', 'loader', 'force'], (
        'install_checkpoint_loaders registers weights-only readers with CheckpointLoader.register_scheme')
    install_checkpoint_loaders()
    schemes = mmengine_checkpoint.CheckpointLoader._schemes
    assert {'', 'http://', 'https://', 'torchvision://'} <= set(schemes)
    assert schemes[''].__module__ == 'mspn_plugin.checkpoint.loading'


def test_config_text_formatting_is_still_a_flag():
    assert '_format_python_code' in Config.__init__.__code__.co_names or '_format_python_code' in inspect.getsource(
        Config.__init__), 'SafeRunner switches yapf formatting off through Config._format_python_code'
    assert 'self._format_python_code' in inspect.getsource(Config.pretty_text.fget), (
        'SafeRunner switches yapf formatting off through Config._format_python_code, read by pretty_text')


def test_runner_loads_or_resumes_before_the_train_loop_starts():
    source = inspect.getsource(Runner.train)
    assert source.index('self.load_or_resume()') < source.index('self.train_loop.run()'), (
        'KeypointTransferHook.before_train (called by the train loop) reads Runner._has_loaded and _load_from, '
        'set by load_or_resume')
    assert 'self._load_from' in inspect.getsource(Runner.load_or_resume)
