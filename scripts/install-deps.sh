#!/usr/bin/env bash
# Installs the Debian 12 packages that building, running and testing need, but only the
# ones that are missing, so a second run costs a dpkg query and nothing else.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libdcmtk-dev dcmtk
  libsqlitecpp-dev libsqlite3-dev sqlite3
  libspdlog-dev libfmt-dev
  libyaml-cpp-dev
  nlohmann-json3-dev
  libcli11-dev
  libgtest-dev
  libboost-thread-dev libboost-dev zlib1g-dev
  libssl-dev
  libcurl4-openssl-dev  # STOW-RS forwarding (ADR 0019)
  openssl  # the TLS tests make their own CA and certificates with it (ADR 0015)
  python3
  tzdata  # GATEWAY_TIMEZONE names an IANA zone; the DST tests use Europe/London
)
# Needed by the tests only (never in the runtime image).
test_packages=(
  dicom3tools  # dciodvfy: tests check that the emulator's images are valid IODs
  # Query/Retrieve end-to-end tests: GDCM's gdcmscu, and Orthanc (queried over its REST API
  # with curl) with the gateway as one of its DICOM modalities.
  libgdcm-tools orthanc curl
  orthanc-dicomweb  # the STOW-RS receiver of the forwarding end-to-end tests
  chromium     # headless: the status page's end-to-end test and scripts/screenshot.sh
)
packages+=("${test_packages[@]}")
if [[ "${1:-}" == "--fuzz" ]]; then
  # libFuzzer and the sanitizer runtimes for clang (make fuzz).
  packages+=(clang libclang-rt-14-dev libfuzzer-14-dev)
fi
if [[ "${1:-}" == "--bench" ]]; then
  # orthanc (above) also ships the ModalityWorklists plugin (make bench-mwl); wlmscpfs,
  # findscu and dump2dcm come with dcmtk above.
  packages+=(orthanc curl)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
