#!/usr/bin/env bash
# Installs the Debian packages the tests need, when missing: `apt-get update` once, then
# `apt-get install -y`. Nothing is downloaded from anywhere but Debian's archive.
set -euo pipefail

PACKAGES=(
  chromium          # e2e tests: driven by playwright-core, never a downloaded browser
  mricron-data      # NIfTI tests and the sample study: Colin27 T1 and the AAL atlas (mricron templates)
  dicom3tools       # dciodvfy: validates written DICOM SEGs and the sample series
  orthanc           # the real PACS of the DICOMweb integration tests (loopback only)
  orthanc-dicomweb  # its QIDO-RS/WADO-RS/STOW-RS plugin
  curl              # scripts/orthanc/start.sh polls GET /system
  python3-nibabel   # io cross-check tests: nibabel reads the NIfTI files we write (/usr/bin/python3)
  python3-pydicom   # io cross-check tests: pydicom reads the DICOM SEGs we write
  poppler-utils     # pdftotext/pdftoppm: the PDF report tests read its text and render its pages
  plastimatch       # RTSTRUCT tests: writes the sample's structures as RTSTRUCT and rasterises them back (independent check)
  redis-server      # the cohort queue (BullMQ) of `concord cohort --queue`: scripts/redis/start.sh, loopback only
  python3-scipy     # cohort and metric cross-checks (numpy/scipy recompute the aggregates); the inference conform reference (/usr/bin/python3)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "==> installing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" > /dev/null
