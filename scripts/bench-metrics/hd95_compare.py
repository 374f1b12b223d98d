"""How our HD95 relates to plastimatch's and to the pooled-percentile HD95 (medpy, seg-metrics)
on one case: a committed cross-check case, tests/fixtures/metrics/<case>-*.nii.gz
(default boundary-aniso: 2 x 2 x 3 mm, every structure dilated or eroded and shifted).

  ours    max(P95{d(b, dA)}, P95{d(a, dB)})        (docs/metrics.md; numpy linear percentile)
  pooled  P95 of both directed sets concatenated    (medpy.metric.hd95, seg-metrics)
  plastimatch `dice --all`: "Percent (0.95) Hausdorff distance (boundary)" and the same
          over all mask voxels (no "boundary")

/usr/bin/python3 scripts/bench-metrics/hd95_compare.py [case]  (needs Debian plastimatch)
"""
import os
import re
import subprocess
import sys
import tempfile

import nibabel as nib
import numpy as np
from scipy import ndimage

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
FIX = os.path.join(ROOT, 'tests', 'fixtures', 'metrics')
FACE = ndimage.generate_binary_structure(3, 1)


def directed(a, b, spacing):
    sa = a & ~ndimage.binary_erosion(a, structure=FACE, border_value=0)
    sb = b & ~ndimage.binary_erosion(b, structure=FACE, border_value=0)
    return (ndimage.distance_transform_edt(~sb, sampling=spacing)[sa],
            ndimage.distance_transform_edt(~sa, sampling=spacing)[sb])


def plastimatch(ref_mask, pred_mask, affine, tmp):
    paths = []
    for name, m in (('r', ref_mask), ('p', pred_mask)):
        p = os.path.join(tmp, f'{name}.nii')
        nib.save(nib.Nifti1Image(m.astype(np.uint8), affine), p)
        paths.append(p)
    out = subprocess.run(['plastimatch', 'dice', '--all', *paths], capture_output=True,
                         text=True, check=True).stdout

    def grab(label):
        return float(re.search(re.escape(label) + r' = ([0-9.eE+-]+)', out).group(1))
    return (grab('Percent (0.95) Hausdorff distance (boundary)'),
            grab('Percent (0.95) Hausdorff distance'))


def main():
    case = sys.argv[1] if len(sys.argv) > 1 else 'boundary-aniso'
    ref_img = nib.load(os.path.join(FIX, f'{case}-reference.nii.gz'))
    ref = np.asarray(ref_img.dataobj)
    pred = np.asarray(nib.load(os.path.join(FIX, f'{case}-prediction.nii.gz')).dataobj)
    spacing = ref_img.header.get_zooms()[:3]
    print('| label | P95 d(a,∂B) | P95 d(b,∂A) | **ours** (max) | pooled P95 (medpy) '
          '| plastimatch boundary | plastimatch all voxels |')
    print('|---|---|---|---|---|---|---|')
    with tempfile.TemporaryDirectory() as tmp:
        for label in sorted(set(np.unique(ref)) & set(np.unique(pred)) - {0}):
            a, b = ref == label, pred == label
            dab, dba = directed(a, b, spacing)
            p_ab, p_ba = np.percentile(dab, 95), np.percentile(dba, 95)
            pooled = np.percentile(np.concatenate([dab, dba]), 95)
            pb, pa = plastimatch(a, b, ref_img.affine, tmp)
            print(f'| {label} | {p_ab:.3f} | {p_ba:.3f} | **{max(p_ab, p_ba):.3f}** | '
                  f'{pooled:.3f} | {pb:.3f} | {pa:.3f} |')
    sys.stdout.flush()


if __name__ == '__main__':
    main()
