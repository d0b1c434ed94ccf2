#!/bin/sh
# clip-osm-testdata.sh regenerates testdata/osm from the full extracts in
# ../shared/data/osm (or SRC): two small clipped extracts the tests of
# captcha/maptile/osmsource render, and realnames.txt, every name in the
# full extracts, which the name-generator tests check invented names
# against. All of it is OpenStreetMap data under the ODbL 1.0
# (© OpenStreetMap contributors); testdata/osm/README.md says so.
#
# Needs Debian packages: osmium-tool python3
#
#	sh scripts/clip-osm-testdata.sh [SRC]
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC=${1:-"$ROOT/../shared/data/osm"}
OUT="$ROOT/testdata/osm"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"

# Keep what the renderer draws: roads, rail, water, buildings, land use,
# coastline, points of interest and multipolygons.
FILTER="w/highway w/railway w/waterway w/building w/landuse w/leisure w/natural w/amenity w/place
	n/amenity n/shop n/tourism n/railway=station n/public_transport=station n/leisure r/type=multipolygon"

osmium tags-filter "$SRC/seoul-gongdeok-map.osm" $FILTER -o "$TMP/seoul.osm"
osmium extract --strategy complete_ways --set-bounds -b 126.9530,37.5460,126.9630,37.5508 \
	"$TMP/seoul.osm" -f osm,add_metadata=false -o "$OUT/seoul-gongdeok-small.osm" --overwrite

osmium tags-filter "$SRC/monaco-20150428.osm.pbf" $FILTER -o "$TMP/monaco.osm.pbf"
osmium extract --strategy complete_ways --set-bounds -b 7.4165,43.7300,7.4310,43.7400 \
	"$TMP/monaco.osm.pbf" -f pbf,add_metadata=false -o "$OUT/monaco-port-small.osm.pbf" --overwrite

# Every name, alternative name and translated name in the full extracts.
osmium cat "$SRC/monaco-20150428.osm.pbf" -f osm -o "$TMP/monaco.osm"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
"$PY" - "$SRC/seoul-gongdeok-map.osm" "$SRC/suwon-ajou-map.osm" "$TMP/monaco.osm" >"$OUT/realnames.txt" <<'PYEOF'
import sys
import xml.etree.ElementTree as ET

keys = ("name", "alt_name", "old_name", "official_name", "short_name", "loc_name", "int_name")
names = set()
for path in sys.argv[1:]:
    for _, el in ET.iterparse(path):
        if el.tag == "tag":
            k, v = el.get("k"), el.get("v").strip()
            if v and (k in keys or k.split(":")[0] in keys):
                names.add(v)
print("# Real names from the OpenStreetMap extracts in ../shared/data/osm (ODbL 1.0,")
print("# (c) OpenStreetMap contributors). One per line. Regenerate with")
print("# scripts/clip-osm-testdata.sh.")
for n in sorted(names):
    if "\n" not in n:
        print(n)
PYEOF
ls -l "$OUT"
