"""How inference shares its input among processes and merges their parts (track ids joined), and the image lists
it reads (no model)."""
import numpy as np
import pytest

from mspn_plugin.apis import TrackingConfig
from mspn_plugin.apis.inference_inputs import list_images, read_image_list, shard
from mspn_plugin.apis.inference_runner import merge_parts
from mspn_plugin.utils.errors import InputError

SIGMAS = np.full(17, 0.05)


@pytest.mark.parametrize('total', [0, 1, 5, 16])
@pytest.mark.parametrize('world_size', [1, 2, 3])
def test_shares_are_contiguous_balanced_and_cover_the_input_in_order(total, world_size):
    shares = [shard(total, rank, world_size) for rank in range(world_size)]
    assert [i for share in shares for i in share] == list(range(total))
    assert max(map(len, shares)) - min(map(len, shares)) <= 1
    assert [len(share) for share in shares] == sorted((len(share) for share in shares), reverse=True)


def part(names: list[str], skipped: dict, unmatched: list | None) -> dict:
    return dict(results=[dict(file_name=name) for name in names], skipped=skipped, without_people=names[:1],
                processed=len(names), unmatched=unmatched)


def test_parts_merge_in_rank_order_and_a_detection_is_unmatched_only_when_no_part_used_it():
    merged = merge_parts([part(['a.jpg', 'b.jpg'], {}, ['x.jpg', 7, 'd.jpg']),
                          part(['d.jpg'], {'e.jpg': 'empty file'}, ['x.jpg', 7, 'a.jpg'])])
    assert [r['file_name'] for r in merged['results']] == ['a.jpg', 'b.jpg', 'd.jpg']
    assert merged['skipped'] == {'e.jpg': 'empty file'} and merged['without_people'] == ['a.jpg', 'd.jpg']
    assert merged['processed'] == 3 and merged['unmatched'] == ['x.jpg', 7]
    assert merge_parts([part(['a.jpg'], {}, None), part([], {}, None)])['unmatched'] is None


def test_an_image_list_names_files_relative_to_itself(tmp_path):
    (tmp_path / 'lists').mkdir()
    listing = tmp_path / 'lists/images.txt'
    listing.write_text(f'# a comment\n../a.jpg\n\n  sub/b.png  \n{tmp_path}/c.jpg\n')
    assert list_images(str(listing)) == [tmp_path / 'lists/../a.jpg', tmp_path / 'lists/sub/b.png',
                                         tmp_path / 'c.jpg']


@pytest.mark.parametrize('content, message', [
    (b'a/x.jpg\nb/x.jpg\n', 'listed more than once, e.g. x.jpg'),
    (b'\xff\xfe\x00not text', 'cannot be read as an image list'),
    (b'# nothing\n\n', 'no images'),
])
def test_unusable_image_lists_are_errors_naming_the_file(tmp_path, content, message):
    listing = tmp_path / 'images.txt'
    listing.write_bytes(content)
    with pytest.raises(InputError, match=message) as error:
        list_images(str(listing))
    assert str(listing) in str(error.value)


def test_a_folder_without_images_is_an_error_naming_it(tmp_path):
    (tmp_path / 'notes.md').write_text('no images here')
    with pytest.raises(InputError, match='no images') as error:
        list_images(str(tmp_path))
    assert str(error.value).startswith(f'{tmp_path}: ')
    with pytest.raises(InputError, match='cannot be read'):
        read_image_list(str(tmp_path / 'missing.txt'))


def test_merging_tracked_parts_gives_video_wide_ids():
    """Two parts of one still person: the second part's track continues the first's."""
    def part(steps: int) -> dict:
        pose = dict(keypoints=[[10.0 + k, 20.0] for k in range(17)], keypoint_scores=[0.9] * 17,
                    box=[0.0, 0.0, 40.0, 80.0])
        return dict(results=[dict(file_name=f'v_{i}', frame_index=i, track_id=0) for i in range(steps)], skipped={},
                    without_people=[], processed=steps, unmatched=None, seconds={'pose': 1.0},
                    tracking=dict(steps=steps, num_tracks=1, births=[dict(track_id=0, step=0, **pose)],
                                  end=[dict(track_id=0, missing=0, **pose)]))
    merged = merge_parts([part(2), part(3)], TrackingConfig(), SIGMAS)
    assert [r['track_id'] for r in merged['results']] == [0] * 5 and merged['seconds'] == {'pose': 2.0}
