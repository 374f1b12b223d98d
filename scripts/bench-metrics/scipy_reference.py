"""numpy/scipy reference for `npm run bench:metrics`: the docs/metrics.md metrics of every label
on the whole volume (no bounding boxes), with the same code as the committed cross-check
fixtures (tests/fixtures/metrics/generate.py). Prints one JSON object.

/usr/bin/python3 scripts/bench-metrics/scipy_reference.py CASE_DIR overlap|full
"""
import json
import os
import sys

import nibabel as nib
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'tests', 'fixtures', 'metrics'))
from generate import metrics  # noqa: E402


def main():
    case_dir, mode = sys.argv[1], sys.argv[2]
    ref_img = nib.load(os.path.join(case_dir, 'reference.nii'))
    ref = np.asarray(ref_img.dataobj)
    pred = np.asarray(nib.load(os.path.join(case_dir, 'prediction.nii')).dataobj)
    spacing = tuple(float(x) for x in ref_img.header.get_zooms()[:3])
    labels = sorted(int(x) for x in (set(np.unique(ref)) | set(np.unique(pred))) if x)
    out = []
    for label in labels:
        if mode == 'full':
            out.append(metrics(ref, pred, label, spacing, [1.0, 2.0]))
        else:
            a, b = ref == label, pred == label
            tp = int((a & b).sum())
            fp = int(b.sum()) - tp
            fn = int(a.sum()) - tp
            out.append({'label': label, 'tp': tp, 'fp': fp, 'fn': fn,
                        'dice': 2 * tp / max(1, 2 * tp + fp + fn)})
    print(json.dumps({'structures': out}))


if __name__ == '__main__':
    main()
