"""The sample study's reference structures: AAL regions merged into 7 coarse structures.

Shared by the sample generator and the model training script so that both use exactly the
same label definitions (samples/structures.json). Run with Debian's /usr/bin/python3.
"""
import json
import os

import nibabel as nib
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
STRUCTURES_JSON = os.path.join(HERE, '..', 'structures.json')
TEMPLATES = '/usr/share/mricron/templates'


def load_structures():
    with open(STRUCTURES_JSON) as f:
        return json.load(f)['structures']


def coarse_labels():
    """Returns (labels uint8 array on the Colin27 / AAL grid, affine, structures)."""
    structures = load_structures()
    aal_img = nib.load(os.path.join(TEMPLATES, 'aal.nii.gz'))
    aal = np.asarray(aal_img.dataobj).astype(np.int32)
    names = {}
    with open(os.path.join(TEMPLATES, 'aal.nii.txt')) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                names[int(parts[0])] = parts[1]
    lut = np.zeros(aal.max() + 1, dtype=np.uint8)
    for code, name in names.items():
        base = name[:-2] if name.endswith(('_L', '_R')) else name
        for s in structures:
            if base in s['aal']:
                lut[code] = s['label']
    return lut[aal], aal_img.affine, structures


if __name__ == '__main__':
    labels, affine, structures = coarse_labels()
    print('grid', labels.shape, 'affine\n', affine)
    for s in structures:
        print(s['label'], s['name'], int((labels == s['label']).sum()), 'voxels')
