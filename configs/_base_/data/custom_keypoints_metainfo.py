# Metainfo of your own keypoints (an example with K=5: a head and two arms): copy it, then list your keypoints in
# the order of the annotation file's `keypoints` triplets. MMPose reads it through `metainfo=dict(from_file=...)`:
# - keypoint_info: name, id (the index), drawing colour, `type` 'upper' or 'lower' (the two halves of the half-body
#   crop) and `swap`, the name of the mirror keypoint ('' for none): the flip pairs of flip augmentation and flip test;
# - skeleton_info: the links drawn between keypoints;
# - joint_weights: per-keypoint loss weights; sigmas: the per-keypoint OKS falloff of the COCO AP (COCO's range is
#   0.025 for the eyes to 0.107 for the hips: larger for keypoints annotators place less precisely).
dataset_info = dict(
    dataset_name='custom_keypoints',
    paper_info=dict(),
    keypoint_info={
        0: dict(name='head', id=0, color=[51, 153, 255], type='upper', swap=''),
        1: dict(name='left_hand', id=1, color=[0, 255, 0], type='upper', swap='right_hand'),
        2: dict(name='right_hand', id=2, color=[255, 128, 0], type='upper', swap='left_hand'),
        3: dict(name='left_foot', id=3, color=[0, 255, 0], type='lower', swap='right_foot'),
        4: dict(name='right_foot', id=4, color=[255, 128, 0], type='lower', swap='left_foot'),
    },
    skeleton_info={
        0: dict(link=('head', 'left_hand'), id=0, color=[0, 255, 0]),
        1: dict(link=('head', 'right_hand'), id=1, color=[255, 128, 0]),
        2: dict(link=('head', 'left_foot'), id=2, color=[0, 255, 0]),
        3: dict(link=('head', 'right_foot'), id=3, color=[255, 128, 0]),
    },
    joint_weights=[1.0, 1.0, 1.0, 1.0, 1.0],
    sigmas=[0.026, 0.062, 0.062, 0.089, 0.089])
