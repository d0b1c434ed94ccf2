#!/bin/sh
# subset-korean-font.sh regenerates the Korean fonts embedded by
# captcha/maptile: Noto Sans CJK KR (Regular and Bold) from Debian's
# fonts-noto-cjk, cut down to printable ASCII plus the 2,350 Hangul syllables
# of KS X 1001, and renamed "Tollgate Sans KR" as the SIL Open Font License
# asks of modified versions. The licence text is written beside the fonts.
#
# Needs Debian packages: fonts-noto-cjk python3-fonttools
#
#	sh scripts/subset-korean-font.sh [OUTDIR]
set -eu

OUT=${1:-"$(dirname "$0")/../captcha/maptile/fonts"}
SRC=/usr/share/fonts/opentype/noto
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
mkdir -p "$OUT"

for f in "$SRC/NotoSansCJK-Regular.ttc" "$SRC/NotoSansCJK-Bold.ttc" /usr/share/doc/fonts-noto-cjk/copyright; do
	if [ ! -e "$f" ]; then
		echo "missing $f: apt-get install -y fonts-noto-cjk python3-fonttools" >&2
		exit 1
	fi
done

"$PY" - "$SRC" "$OUT" <<'PYEOF'
import io, os, sys
from fontTools import subset
from fontTools.ttLib import TTCollection

src, out = sys.argv[1], sys.argv[2]

# Printable ASCII, the middle dot, and the 2,350 KS X 1001 syllables
# (EUC-KR rows 0xB0..0xC8, columns 0xA1..0xFE).
chars = set(range(0x20, 0x7F)) | {0xB7}
for hi in range(0xB0, 0xC9):
    for lo in range(0xA1, 0xFF):
        chars.add(ord(bytes([hi, lo]).decode("euc_kr")))
assert len([c for c in chars if 0xAC00 <= c <= 0xD7A3]) == 2350

FAMILY = "Tollgate Sans KR"
PSFAMILY = "TollgateSansKR"
copyright_line = None
for weight in ("Regular", "Bold"):
    # Index 1 of each collection is Noto Sans CJK KR.
    font = TTCollection(os.path.join(src, "NotoSansCJK-%s.ttc" % weight)).fonts[1]
    copyright_line = font["name"].getDebugName(0)
    opts = subset.Options()
    opts.layout_features = []
    opts.hinting = False
    opts.notdef_outline = True
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    opts.drop_tables += ["BASE", "VORG", "vhea", "vmtx", "GDEF", "GSUB", "GPOS"]
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=sorted(chars))
    sub.subset(font)
    name = font["name"]
    ps = "%s-%s" % (PSFAMILY, weight)
    full = "%s %s" % (FAMILY, weight) if weight != "Regular" else FAMILY
    for rec in list(name.names):
        if rec.nameID == 0:
            continue
        if rec.nameID in (1, 4) and rec.platformID == 3:
            rec.string = FAMILY if rec.nameID == 1 and weight == "Regular" else (FAMILY + (" " + weight if weight != "Regular" else ""))
        elif rec.nameID == 3:
            rec.string = "1.0;%s;subset of Noto Sans CJK KR 2.004" % ps
        elif rec.nameID == 6:
            rec.string = ps
        elif rec.nameID in (1, 4):
            rec.string = full
    name.setName(FAMILY, 1, 3, 1, 0x409)
    name.setName(weight, 2, 3, 1, 0x409)
    name.setName(full, 4, 3, 1, 0x409)
    name.setName(ps, 6, 3, 1, 0x409)
    # The CFF table carries the PostScript names too.
    cff = font["CFF "].cff
    cff.fontNames = [ps]
    top = cff.topDictIndex[0]
    if hasattr(top, "FullName"):
        top.FullName = full
    if hasattr(top, "FamilyName"):
        top.FamilyName = FAMILY
    if hasattr(top, "CIDFontName"):
        top.CIDFontName = ps
    # A fixed timestamp keeps the output byte-identical from run to run.
    font.recalcTimestamp = False
    font["head"].modified = font["head"].created
    path = os.path.join(out, ps + ".otf")
    font.save(path)
    print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))

# OFL.txt: the upstream copyright notice and the licence text as Debian ships it.
lines = open("/usr/share/doc/fonts-noto-cjk/copyright", encoding="utf-8").read().split("\n")
lic = []
for i, line in enumerate(lines):
    if line == "License: SIL-1.1" and i + 1 < len(lines) and lines[i + 1].startswith(" "):
        for l in lines[i + 1:]:
            if not l.startswith(" "):
                break
            lic.append("" if l.strip() == "." else l[1:])
        break
assert lic, "SIL-1.1 licence text not found in the Debian copyright file"
with open(os.path.join(out, "OFL.txt"), "w", encoding="utf-8") as f:
    f.write("Tollgate Sans KR (TollgateSansKR-Regular.otf, TollgateSansKR-Bold.otf) is a\n")
    f.write("modified version of Noto Sans CJK KR: subset to printable ASCII and the\n")
    f.write("2,350 Hangul syllables of KS X 1001, layout tables removed, renamed.\n")
    f.write("Regenerate with scripts/subset-korean-font.sh.\n\n")
    f.write("Copyright %s\n" % copyright_line.replace("©", "(c)"))
    f.write("Noto is a trademark of Google Inc.\n\n")
    f.write("This Font Software is licensed under the SIL Open Font License, Version 1.1.\n")
    f.write("This license is copied below, and is also available with a FAQ at:\n")
    f.write("https://openfontlicense.org\n\n")
    f.write("\n".join(lic).strip("\n") + "\n")
print("wrote OFL.txt")
PYEOF
