"""Makes assets/fonts/DroidSansFallback-subset.ttf (see assets/fonts/LICENSE-DroidSansFallback).

Needs fonttools (`pip install fonttools`) and DroidSansFallbackFull.ttf from Debian's
fonts-droid-fallback package (`apt-get download fonts-droid-fallback`, then
`dpkg-deb -x fonts-droid-fallback_*.deb x`). Run from the repository's root:

    python3 assets/fonts/subset.py x/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf

Keeps ASCII, CJK and full-width punctuation, GB2312 level 1 (the 3,755 most used hanzi) and
every character of the zh-CN catalogs, so chart titles and legends in Chinese and most shop
names can be drawn.
"""
import glob
import sys

from fontTools import subset

chars = set(chr(c) for c in range(0x20, 0x7F))
chars |= set(chr(c) for c in range(0x3000, 0x3040))  # CJK symbols and punctuation
chars |= set(chr(c) for c in range(0xFF00, 0xFFF0))  # full-width forms
chars |= set("·—–…‘’“”•▲▼")
for hi in range(0xB0, 0xD8):  # GB2312 level 1: rows 16-55
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
for path in glob.glob("locales/zh-CN/*.ftl"):
    with open(path, encoding="utf-8") as f:
        chars |= set(f.read())
chars = {c for c in chars if c.isprintable()}

options = subset.Options()
options.layout_features = []
options.hinting = False
options.name_IDs = ["*"]
options.notdef_outline = True
font = subset.load_font(sys.argv[1], options)
s = subset.Subsetter(options)
s.populate(text="".join(sorted(chars)))
s.subset(font)
out = sys.argv[2] if len(sys.argv) > 2 else "assets/fonts/DroidSansFallback-subset.ttf"
subset.save_font(font, out, options)
print(out, len(chars), "characters asked")
