#!/usr/bin/env bash
# Command (1) of the README: install Debian packages, build, run the main job on defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
bash scripts/build.sh
bash scripts/main_job.sh
