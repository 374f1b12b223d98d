"""Benchmark inputs for `npm run bench:metrics` (issue 4): generated, never committed.

From the AAL atlas (Debian mricron-data) merged as in samples/structures.json:
  atlas256: 256x256x256, 10 structures (the 7 coarse ones, frontal/parietal/temporal split L/R)
  atlas512: 512x512x300, 5 structures (parietal+occipital and limbic+deep grey merged)
Predictions carry realistic errors made at atlas resolution (dilation, erosion, shifts, a
false-positive blob) and are upsampled with the reference by nearest neighbour, so errors are a
few voxels thick. Writes uncompressed NIfTI (reference, prediction) plus one binary mask pair per
structure for `plastimatch dice`, which compares binary images.

/usr/bin/python3 scripts/bench-metrics/generate.py OUT_DIR [atlas256|atlas512 ...]
"""
import os
import sys

import nibabel as nib
import numpy as np
from scipy import ndimage

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'samples', 'scripts'))
from structures import coarse_labels  # noqa: E402

FACE = ndimage.generate_binary_structure(3, 1)


def ten_structures(coarse):
    out = coarse.copy()
    left = np.zeros(coarse.shape, bool)
    left[:90] = True  # one hemisphere (the AAL grid is 181 voxels wide, midline at i = 90)
    for k, label in enumerate((1, 2, 3)):
        out[(coarse == label) & left] = 8 + k
    return out


def five_structures(coarse):
    lut = np.array([0, 1, 2, 3, 2, 4, 4, 5], np.uint8)
    return lut[coarse]


def perturb(ref, seed):
    rng = np.random.default_rng(seed)
    pred = np.zeros_like(ref)
    labels = [int(x) for x in np.unique(ref) if x]
    for n, label in enumerate(labels):
        m = ref == label
        kind = n % 4
        if kind == 0:
            m = ndimage.binary_dilation(m, structure=FACE)
        elif kind == 1:
            m = ndimage.binary_erosion(m, structure=FACE, border_value=0)
        elif kind == 2:
            m = np.roll(m, shift=tuple(int(x) for x in rng.integers(-2, 3, 3)), axis=(0, 1, 2))
        else:
            m = ndimage.binary_dilation(m, structure=FACE) & ~ndimage.binary_erosion(
                np.roll(m, 1, axis=2), structure=FACE, iterations=3)
            m |= ref == label
        pred[m & (pred == 0)] = label
    # a false-positive blob far from everything
    c = np.array(ref.shape) // 8
    pred[c[0]:c[0] + 6, c[1]:c[1] + 6, c[2]:c[2] + 6] = labels[0]
    return pred


def upsample(a, shape):
    idx = [np.minimum(((np.arange(n) + 0.5) * a.shape[d] / n).astype(np.int64), a.shape[d] - 1)
           for d, n in enumerate(shape)]
    return a[np.ix_(*idx)]


def save(arr, spacing, path):
    aff = np.diag([*spacing, 1.0])
    img = nib.Nifti1Image(np.asarray(arr, np.uint8), aff)
    img.set_qform(aff, code=1)
    img.set_sform(aff, code=1)
    nib.save(img, path)


CASES = {
    'atlas256': ((256, 256, 256), ten_structures),
    'atlas512': ((512, 512, 300), five_structures),
}


def main():
    out_root = sys.argv[1]
    names = sys.argv[2:] or list(CASES)
    coarse, _, _ = coarse_labels()
    for name in names:
        shape, merge = CASES[name]
        d = os.path.join(out_root, name)
        os.makedirs(d, exist_ok=True)
        small = merge(coarse)
        small_pred = perturb(small, seed=len(name))
        spacing = [coarse.shape[i] / shape[i] for i in range(3)]
        ref = upsample(small, shape)
        pred = upsample(small_pred, shape)
        save(ref, spacing, os.path.join(d, 'reference.nii'))
        save(pred, spacing, os.path.join(d, 'prediction.nii'))
        labels = [int(x) for x in np.unique(ref) if x]
        for label in labels:
            save(ref == label, spacing, os.path.join(d, f'ref-{label}.nii'))
            save(pred == label, spacing, os.path.join(d, f'pred-{label}.nii'))
        with open(os.path.join(d, 'labels.txt'), 'w') as f:
            f.write(' '.join(map(str, labels)) + '\n')
        print(f'{name}: {shape}, {len(labels)} structures, spacing {[round(s, 4) for s in spacing]}')


if __name__ == '__main__':
    main()
