"""Benchmark cohort for `npm run bench:cohort` (issue 15): generated, never committed.

The AAL atlas (Debian mricron-data) merged into the 7 coarse structures of
samples/structures.json, on its own 181x217x181 1 mm grid, is every case's reference; each case's
prediction carries its own seeded, realistic errors per structure (dilation, erosion, a shift of
1-2 voxels, or unchanged; one in ten cases misses a structure). gzip NIfTI, cases.csv with a
site column.

/usr/bin/python3 scripts/bench-cohort/generate.py OUT_DIR N_CASES
"""
import csv
import os
import sys

import nibabel as nib
import numpy as np
from scipy import ndimage

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'samples', 'scripts'))
from structures import coarse_labels  # noqa: E402

FACE = ndimage.generate_binary_structure(3, 1)


def perturb(ref, rng, miss):
    pred = np.zeros_like(ref)
    for label in [int(x) for x in np.unique(ref) if x]:
        m = ref == label
        kind = rng.integers(0, 4)
        if miss and label == 7:
            continue
        if kind == 0:
            m = ndimage.binary_dilation(m, structure=FACE)
        elif kind == 1:
            m = ndimage.binary_erosion(m, structure=FACE, border_value=0)
        elif kind == 2:
            m = np.roll(m, shift=tuple(int(x) for x in rng.integers(-2, 3, 3)), axis=(0, 1, 2))
        pred[m & (pred == 0)] = label
    return pred


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    ref, affine, _ = coarse_labels()
    ref = ref.astype(np.uint8)
    nib.save(nib.Nifti1Image(ref, affine), os.path.join(out, 'reference.nii.gz'))
    rows = []
    for i in range(n):
        rng = np.random.default_rng(1000 + i)
        pred = perturb(ref, rng, miss=(i % 10 == 9))
        name = f'case{i:03d}-prediction.nii.gz'
        nib.save(nib.Nifti1Image(pred, affine), os.path.join(out, name))
        rows.append({'case_id': f'case{i:03d}', 'reference': 'reference.nii.gz', 'prediction': name,
                     'site': 'AB'[i % 2]})
    with open(os.path.join(out, 'cases.csv'), 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator='\r\n')
        w.writeheader()
        w.writerows(rows)


if __name__ == '__main__':
    main()
