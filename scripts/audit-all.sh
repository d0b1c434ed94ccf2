#!/bin/sh
# Runs every audit recorded in docs/audit.md, with the recorded seed, and
# prints their tables (about three hours on two cores). Needs the engines:
#   apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-kor gocr ocrad pocketsphinx pocketsphinx-en-us
set -eu
cd "$(dirname "$0")/.."
bin=$(mktemp -d)/tollgate
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./cmd/tollgate
seed=20261122
for lang in en ko; do
	"$bin" audit image -n 200 -lang "$lang" -seed "$seed" -quiet
	if [ "$lang" = en ]; then osm=testdata/osm/monaco-port-small.osm.pbf; else osm=testdata/osm/seoul-gongdeok-small.osm; fi
	"$bin" audit image -n 200 -lang "$lang" -source osm -osm "$osm" -seed "$seed" -quiet
	"$bin" audit audio -n 100 -lang "$lang" -seed "$seed" -quiet
done
