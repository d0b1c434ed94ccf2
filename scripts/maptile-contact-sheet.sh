#!/bin/sh
# maptile-contact-sheet.sh regenerates docs/maptile-samples.png, the contact
# sheet of 12 map-tile challenges shown in captcha/maptile/README.md, and
# prints each sample's prompt and answer (for the README's table).
#
#	sh scripts/maptile-contact-sheet.sh
set -eu
cd "$(dirname "$0")/.."
mkdir -p docs
TOLLGATE_WRITE_DOCS=1 go test -count=1 -run '^TestContactSheet$' -v ./captcha/maptile/ | grep -E '^\s+\||wrote'
