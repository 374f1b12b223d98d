"""The torch reference of a conform-model run, written from docs/manifest.md with numpy/scipy
(independent of the TypeScript engine): conform (conform.py) -> crop to the foreground box plus
margin -> window intensity -> the network on the whole cropped volume -> softmax -> class
probabilities resampled trilinearly onto the source grid (outside the crop box: background;
outside the conformed grid: background) -> argmax (ties: first class) -> postprocessing
(largest 26-connected component per class, then per-class hole filling with scipy's
binary_fill_holes). Run with Debian's /usr/bin/python3.

`python3 reference_pipeline.py` rewrites the parity test's fixtures (tests/fixtures/inference/
meshnet-torch*) from the committed checkpoint (checkpoints/meshnet-colin27-conform.pt) and the
shipped manifest; `--survey` prints the Dice per structure of the reference on the whole sample
against the sample's atlas labels and, for candidate regions of the sample, the structures the
reference finds there and the size of the box the network runs on (the test's cost).
"""
import argparse
import gzip
import json
import os

import nibabel as nib
import numpy as np
import torch
from scipy import ndimage

from common import REPO
from conform import conform

FIXTURES = os.path.join(REPO, 'tests', 'fixtures', 'inference')
SAMPLE = os.path.join(REPO, 'samples', 'colin27', 't1.nii.gz')
# sub-volume of samples/colin27/t1.nii.gz (voxel index start and size) for the parity test:
# the whole sample would make the network run on 196x191x231 voxels (about 5x the time), this
# region (both hemispheres' middle, brain stem to vertex, 120 mm front to back) holds every
# structure the model finds on the whole sample (`--survey`; training-log.md)
SUB_START = (24, 32, 16)
SUB_SIZE = (60, 80, 70)
# the probabilities are stored at every PROB_STRIDE-th voxel (storage order) to keep it small
PROB_STRIDE = 13


def crop_box(c, threshold, margin):
    fg = np.argwhere(c > threshold)
    if len(fg) == 0:
        return np.zeros(3, int), np.array(c.shape)
    lo = np.maximum(fg.min(0) - margin, 0)
    hi = np.minimum(fg.max(0) + margin + 1, np.array(c.shape))
    return lo, hi


def window(v, spec):
    lo = spec['center'] - spec['width'] / 2
    hi = spec['center'] + spec['width'] / 2
    r0, r1 = spec['outputRange']
    return np.clip((v - lo) / (hi - lo) * (r1 - r0) + r0, r0, r1)


def largest_component_per_class(labels):
    out = labels.copy()
    # label in storage order (i fastest) so that ties go to the component met first there
    t = labels.transpose(2, 1, 0)
    for c in np.unique(t):
        if c == 0:
            continue
        comp, n = ndimage.label(t == c, structure=np.ones((3, 3, 3)))
        if n <= 1:
            continue
        sizes = np.bincount(comp.ravel())[1:]
        keep = int(np.argmax(sizes)) + 1
        drop = (comp != keep) & (comp > 0)
        out[drop.transpose(2, 1, 0)] = 0
    return out


def fill_holes_per_class(labels, class_labels):
    out = labels.copy()
    for c in class_labels:
        if c == 0:
            continue
        filled = ndimage.binary_fill_holes(out == c)
        out[filled & (out == 0)] = c
    return out


def run_reference(model, data, affine, manifest, with_probabilities=False):
    """Labels on the source grid (indexed like `data`) for a model in eval mode (and, with
    `with_probabilities`, the class probabilities there: classes x voxels, storage order i
    fastest)."""
    pre = manifest['preprocessing']
    c, c_aff, _ = conform(data, affine)
    lo, hi = crop_box(c, pre['crop']['threshold'], pre['crop']['margin'])
    x = window(c[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]].astype(np.float64), pre['intensity'])
    xt = torch.from_numpy(np.ascontiguousarray(x.transpose(2, 1, 0), dtype=np.float32))
    with torch.no_grad():
        probs = torch.softmax(model(xt[None, None]), 1)[0].numpy().transpose(0, 3, 2, 1)
    n_classes = probs.shape[0]
    # source voxel -> continuous index on the conformed grid
    ijk = np.indices(data.shape).reshape(3, -1).astype(np.float64)
    m = np.linalg.inv(c_aff) @ affine
    p = m[:3, :3] @ ijk + m[:3, 3:4]
    inside = np.all((p >= 0) & (p <= 255), axis=0)
    best = np.full(p.shape[1], -np.inf)
    arg = np.zeros(p.shape[1], np.int64)
    source_probs = []
    full = np.zeros((256, 256, 256), np.float32)
    for k in range(n_classes):
        full[:] = 1.0 if k == 0 else 0.0
        full[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]] = probs[k]
        v = ndimage.map_coordinates(full, p, order=1, mode='nearest')
        v[~inside] = 1.0 if k == 0 else 0.0
        if with_probabilities:
            source_probs.append(v.reshape(data.shape).transpose(2, 1, 0).ravel())
        better = v > best
        best[better] = v[better]
        arg[better] = k
    class_labels = [cl['label'] for cl in manifest['classes']]
    labels = np.asarray(class_labels, np.uint8)[arg].reshape(data.shape)
    post = manifest.get('postprocessing', {})
    if post.get('largestComponent') == 'perClass':
        labels = largest_component_per_class(labels)
    if post.get('fillHoles'):
        labels = fill_holes_per_class(labels, class_labels)
    return (labels, np.stack(source_probs)) if with_probabilities else labels


def sub_volume(data, affine, start, size):
    """The box [start, start + size) of a volume with its affine."""
    s0, n = np.array(start), np.array(size)
    sub = data[s0[0]:s0[0] + n[0], s0[1]:s0[1] + n[1], s0[2]:s0[2] + n[2]]
    sub_aff = affine.copy()
    sub_aff[:3, 3] = affine[:3, :3] @ s0 + affine[:3, 3]
    return sub, sub_aff


def model_box(data, affine, manifest):
    """The size of the crop box the network runs on for this input (the test's cost)."""
    pre = manifest['preprocessing']
    c, _, _ = conform(data, affine)
    lo, hi = crop_box(c, pre['crop']['threshold'], pre['crop']['margin'])
    return hi - lo


def write_fixture(model, manifest, checkpoint):
    """Torch reference labels of the sub-volume of the sample (the parity test's fixture) for
    `model`, the weights saved in `checkpoint`."""
    os.makedirs(FIXTURES, exist_ok=True)
    img = nib.load(SAMPLE)
    sub, sub_aff = sub_volume(np.asarray(img.dataobj), img.affine, SUB_START, SUB_SIZE)
    labels, probs = run_reference(model, sub, sub_aff, manifest, with_probabilities=True)
    path = os.path.join(FIXTURES, 'meshnet-torch-sub.u8.gz')
    with gzip.GzipFile(path, 'wb', mtime=0) as f:
        f.write(np.ascontiguousarray(labels.transpose(2, 1, 0)).tobytes())  # i fastest
    print(f'wrote {path}: {labels.shape}, counts {np.bincount(labels.ravel()).tolist()}')
    q = np.rint(probs[:, ::PROB_STRIDE] * 255).astype(np.uint8)  # classes x samples
    with gzip.GzipFile(os.path.join(FIXTURES, 'meshnet-torch-sub-probs.u8.gz'), 'wb',
                       mtime=0) as f:
        f.write(q.tobytes())
    from common import sha256
    with open(os.path.join(FIXTURES, 'meshnet-torch.json'), 'w') as f:
        json.dump({'model': manifest['name'], 'sha256': manifest['sha256'],
                   'checkpoint': os.path.relpath(checkpoint, REPO),
                   'checkpointSha256': sha256(checkpoint),
                   'source': 'samples/colin27/t1.nii.gz', 'subStart': list(SUB_START),
                   'subSize': list(SUB_SIZE), 'probabilityStride': PROB_STRIDE,
                   'probabilities': 'meshnet-torch-sub-probs.u8.gz: classes x every '
                                    'probabilityStride-th voxel, round(255 p)',
                   'generator': 'platform/inference/training/reference_pipeline.py'}, f, indent=2)
        f.write('\n')


def load_model(checkpoint):
    from train_meshnet import MeshNet
    model = MeshNet()
    model.load_state_dict(torch.load(checkpoint))
    return model.eval()


def survey(model, manifest, regions):
    """Structures the reference finds on the whole sample and in each (start, size) region."""
    img = nib.load(SAMPLE)
    data = np.asarray(img.dataobj)
    n = len(manifest['classes'])
    whole = run_reference(model, data, img.affine, manifest)
    print(f'whole sample: counts {np.bincount(whole.ravel(), minlength=n).tolist()}', flush=True)
    atlas = np.asarray(nib.load(os.path.join(REPO, 'samples', 'colin27',
                                             'reference-labels.nii.gz')).dataobj)
    for cl in manifest['classes'][1:]:
        a, b = whole == cl['label'], atlas == cl['label']
        dice = 2 * np.sum(a & b) / max(1, np.sum(a) + np.sum(b))
        print(f'  {cl["label"]} {cl["name"]}: Dice vs the atlas labels {dice:.3f} '
              f'({np.sum(a)} vs {np.sum(b)} voxels)', flush=True)
    for start, size in regions:
        sub, sub_aff = sub_volume(data, img.affine, start, size)
        labels = run_reference(model, sub, sub_aff, manifest)
        box = model_box(sub, sub_aff, manifest)
        print(f'start {start} size {size}: network box {box.tolist()} '
              f'({np.prod(box) / 1e6:.2f} M voxels), counts '
              f'{np.bincount(labels.ravel(), minlength=n).tolist()}', flush=True)


def main():
    from train_meshnet import CHECKPOINT, MODELS, NAME
    ap = argparse.ArgumentParser()
    ap.add_argument('--checkpoint', default=CHECKPOINT)
    ap.add_argument('--survey', nargs='*', metavar='I,J,K,NI,NJ,NK',
                    help='regions to survey instead of writing the fixtures')
    args = ap.parse_args()
    torch.set_num_threads(1)
    with open(os.path.join(MODELS, f'{NAME}.json')) as f:
        manifest = json.load(f)
    model = load_model(args.checkpoint)
    if args.survey is not None:
        regions = [tuple(map(int, r.split(','))) for r in args.survey]
        survey(model, manifest, [(r[:3], r[3:]) for r in regions])
    else:
        write_fixture(model, manifest, args.checkpoint)


if __name__ == '__main__':
    main()
