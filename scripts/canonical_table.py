#!/usr/bin/env python3
"""Generates engine/src/canonical_table.inc, the sorted code-point table of
Text_Canonicalize (engine/CANONICAL_TEXT.md). Run: python3 scripts/canonical_table.py

Each entry maps one code point to a replacement of at most as many UTF-8 bytes
as the code point itself (so the output is never longer than the input), made
only of characters that map to themselves (so canonicalising is idempotent).
Ranges computed in code (fullwidth ASCII, Mathematical Alphanumeric Symbols,
spaces, format characters, combining marks) are not in the table.

Sources: hand-written punctuation and confusable entries below (confusables
after UTS #39, confusables.txt, mapped to the Latin letter a reader sees), then
NFKD of Python's unicodedata with combining marks removed, for letters of the
Latin, Greek and Cyrillic blocks and the compatibility blocks listed in RANGES.
"""
import sys
import unicodedata

# Punctuation, spaces and bullets (typographic -> ASCII meaning).
PUNCT = {
    0x00AB: '"', 0x00BB: '"', 0x00B4: "'",
    0x02B9: "'", 0x02BA: '"', 0x02BB: "'", 0x02BC: "'", 0x02BD: "'", 0x02C8: "'", 0x02CA: "'", 0x02CB: "'",
    0x02C2: '<', 0x02C3: '>', 0x1433: '>', 0x1438: '<',
    0x2018: "'", 0x2019: "'", 0x201A: "'", 0x201B: "'", 0x2032: "'", 0x2035: "'",
    0x201C: '"', 0x201D: '"', 0x201E: '"', 0x201F: '"', 0x2033: '"', 0x2036: '"',
    0x2039: '<', 0x203A: '>',
    0x2010: '-', 0x2011: '-', 0x2012: '-', 0x2013: ' - ', 0x2014: ' - ', 0x2015: ' - ',
    0x2212: '-', 0xFE58: '-', 0xFE63: '-',
    0x2026: '...', 0x2024: '.', 0x2025: '..',
    0x2022: '*', 0x2023: '*', 0x2043: '*', 0x2219: '*', 0x25AA: '*', 0x25CF: '*', 0x25E6: '*',
    0x2044: '/', 0x2215: '/', 0x2216: '\\', 0x2223: '|', 0x2236: ':', 0x223C: '~',
    # Arrows and triangles used as menu-path separators ("Settings → Security").
    0x2192: '->', 0x21D2: '=>', 0x27F6: '->', 0x2190: '<-', 0x21D0: '<=', 0x27F5: '<-',
    0x25B8: '>', 0x25B6: '>', 0x25BA: '>', 0x25B9: '>', 0x25B7: '>',
}

# Letters with no decomposition that read as Latin letters.
LATIN = {
    0x00C6: 'AE', 0x00E6: 'ae', 0x00D0: 'D', 0x00F0: 'd', 0x00D8: 'O', 0x00F8: 'o', 0x00DE: 'TH',
    0x00FE: 'th', 0x00DF: 'ss', 0x0110: 'D', 0x0111: 'd', 0x0126: 'H', 0x0127: 'h', 0x0131: 'i',
    0x0138: 'k', 0x013F: 'L', 0x0140: 'l', 0x0141: 'L', 0x0142: 'l', 0x0149: "'n", 0x014A: 'N',
    0x014B: 'n', 0x0152: 'OE', 0x0153: 'oe', 0x0166: 'T', 0x0167: 't',
    0x0180: 'b', 0x0181: 'B', 0x0182: 'B', 0x0183: 'b', 0x0187: 'C', 0x0188: 'c', 0x0189: 'D',
    0x018A: 'D', 0x018B: 'D', 0x018C: 'd', 0x0191: 'F', 0x0192: 'f', 0x0193: 'G', 0x0197: 'I',
    0x0198: 'K', 0x0199: 'k', 0x019A: 'l', 0x019D: 'N', 0x019E: 'n', 0x019F: 'O', 0x01A4: 'P',
    0x01A5: 'p', 0x01AB: 't', 0x01AC: 'T', 0x01AD: 't', 0x01AE: 'T', 0x01B2: 'V', 0x01B3: 'Y',
    0x01B4: 'y', 0x01B5: 'Z', 0x01B6: 'z', 0x01E4: 'G', 0x01E5: 'g', 0x0221: 'd', 0x0234: 'l',
    0x0235: 'n', 0x0236: 't', 0x0237: 'j', 0x023A: 'A', 0x023B: 'C', 0x023C: 'c', 0x023D: 'L',
    0x023E: 'T', 0x023F: 's', 0x0240: 'z', 0x0243: 'B', 0x0244: 'U', 0x0246: 'E', 0x0247: 'e',
    0x0248: 'J', 0x0249: 'j', 0x024C: 'R', 0x024D: 'r', 0x024E: 'Y', 0x024F: 'y',
    0x0251: 'a', 0x0253: 'b', 0x0257: 'd', 0x0260: 'g', 0x0261: 'g', 0x0262: 'g', 0x0268: 'i',
    0x0269: 'i', 0x026A: 'i', 0x026B: 'l', 0x0271: 'm', 0x0272: 'n', 0x0274: 'n', 0x027D: 'r',
    0x0280: 'r', 0x0282: 's', 0x0288: 't', 0x0289: 'u', 0x028B: 'u', 0x028F: 'y', 0x0290: 'z',
    0x0291: 'z', 0x029C: 'h', 0x029D: 'j', 0x029F: 'l',
    0x1D00: 'a', 0x1D04: 'c', 0x1D05: 'd', 0x1D07: 'e', 0x1D0A: 'j', 0x1D0B: 'k', 0x1D0D: 'm',
    0x1D0F: 'o', 0x1D18: 'p', 0x1D1B: 't', 0x1D1C: 'u', 0x1D20: 'v', 0x1D21: 'w', 0x1D22: 'z',
    0x1E9E: 'SS', 0xA730: 'f', 0xA731: 's',
}

# Cyrillic, Greek, Armenian and Cherokee letters confusable with Latin ones.
CONFUSABLE = {
    # Cyrillic small
    0x0430: 'a', 0x0432: 'b', 0x0435: 'e', 0x043A: 'k', 0x043C: 'm', 0x043D: 'h', 0x043E: 'o',
    0x0440: 'p', 0x0441: 'c', 0x0442: 't', 0x0443: 'y', 0x0445: 'x', 0x0455: 's', 0x0456: 'i',
    0x0458: 'j', 0x0461: 'w', 0x0475: 'v', 0x04AF: 'y', 0x04BB: 'h', 0x04BD: 'e', 0x04CF: 'l',
    0x0501: 'd', 0x051B: 'q', 0x051D: 'w',
    # Cyrillic capital
    0x0410: 'A', 0x0412: 'B', 0x0415: 'E', 0x041A: 'K', 0x041C: 'M', 0x041D: 'H', 0x041E: 'O',
    0x0420: 'P', 0x0421: 'C', 0x0422: 'T', 0x0423: 'Y', 0x0425: 'X', 0x0405: 'S', 0x0406: 'I',
    0x0408: 'J', 0x0474: 'V', 0x04AE: 'Y', 0x04BA: 'H', 0x04C0: 'I', 0x050C: 'G', 0x051A: 'Q',
    0x051C: 'W',
    # Greek small
    0x03B1: 'a', 0x03B2: 'b', 0x03B3: 'y', 0x03B5: 'e', 0x03B9: 'i', 0x03BA: 'k', 0x03BD: 'v',
    0x03BF: 'o', 0x03C1: 'p', 0x03C4: 't', 0x03C5: 'u', 0x03C7: 'x', 0x03F2: 'c', 0x03F3: 'j',
    0x03F1: 'p',
    # Greek capital
    0x0391: 'A', 0x0392: 'B', 0x0395: 'E', 0x0396: 'Z', 0x0397: 'H', 0x0399: 'I', 0x039A: 'K',
    0x039C: 'M', 0x039D: 'N', 0x039F: 'O', 0x03A1: 'P', 0x03A4: 'T', 0x03A5: 'Y', 0x03A7: 'X',
    0x03F9: 'C', 0x037F: 'J', 0x03D2: 'Y',
    # Armenian
    0x0570: 'h', 0x0578: 'n', 0x057C: 'n', 0x057D: 'u', 0x0581: 'g', 0x0585: 'o',
    0x054D: 'U', 0x054F: 'S', 0x0555: 'O',
    # Cherokee (capital letters only)
    0x13A0: 'D', 0x13A1: 'R', 0x13A2: 'T', 0x13A9: 'Y', 0x13AA: 'A', 0x13AB: 'J', 0x13AC: 'E',
    0x13B3: 'W', 0x13B7: 'M', 0x13BB: 'H', 0x13C0: 'G', 0x13C3: 'Z', 0x13D2: 'R', 0x13D4: 'W',
    0x13DA: 'S', 0x13D9: 'V', 0x13DE: 'L', 0x13DF: 'C', 0x13E2: 'P', 0x13E6: 'K', 0x13F4: 'B',
}

# Blocks whose letters, digits and symbols are folded by NFKD without marks.
RANGES = [
    (0x00A0, 0x02FF), (0x0370, 0x052F), (0x1D00, 0x1DBF), (0x1E00, 0x1FFF), (0x2070, 0x209F),
    (0x2100, 0x214F), (0x2460, 0x24FF), (0xFB00, 0xFB06), (0xFE50, 0xFE6B),
]
# Left alone: parenthesised numbers (10) to (20) are longer than their code
# point; Roman numerals and fractions are not needed.
SKIP = set(range(0x2474, 0x2488))


def computed(cp):
    """True when canonical.cpp handles cp in code rather than by the table."""
    return (0xFF01 <= cp <= 0xFF5E or 0x1D400 <= cp <= 0x1D7FF or 0x0300 <= cp <= 0x036F
            or 0x1AB0 <= cp <= 0x1AFF or 0x1DC0 <= cp <= 0x1DFF or 0x20D0 <= cp <= 0x20FF
            or 0xFE20 <= cp <= 0xFE2F or 0x2000 <= cp <= 0x200F or 0x2028 <= cp <= 0x202F
            or 0x205F <= cp <= 0x206F or cp in (0x00A0, 0x00AD, 0x00B7, 0x034F, 0x061C, 0x1680,
                                                 0x180E, 0x3000, 0xFEFF)
            or 0xFE00 <= cp <= 0xFE0F or 0xE0000 <= cp <= 0xE007F or 0xE0100 <= cp <= 0xE01EF)


def main():
    table = {}
    table.update(PUNCT)
    table.update(LATIN)
    table.update(CONFUSABLE)
    for lo, hi in RANGES:
        for cp in range(lo, hi + 1):
            if cp in table or cp in SKIP or computed(cp):
                continue
            ch = chr(cp)
            cat = unicodedata.category(ch)
            if not (cat[0] in 'LN' or cat == 'So' or 0xFE50 <= cp <= 0xFE6B):  # small forms: all
                continue
            base = ''.join(c for c in unicodedata.normalize('NFKD', ch) if unicodedata.combining(c) == 0
                           and unicodedata.category(c) != 'Mn')
            rep = ''.join(table.get(ord(c), c) for c in base)
            if not rep or rep == ch or any(c.isspace() or ord(c) < 0x21 for c in rep):
                continue
            if len(rep.encode()) > len(ch.encode()):  # e.g. the fraction 1/4
                continue
            table[cp] = rep
    # Every replacement: no longer than its code point, made of fixed points.
    for cp, rep in table.items():
        rep = rep.replace('`', "'")
        table[cp] = rep
        assert len(rep.encode()) <= len(chr(cp).encode()), hex(cp)
        # A zero-width joiner is kept between emoji (canonical.cpp), so no emoji may change.
        assert not (0x2300 <= cp <= 0x23FF or 0x2600 <= cp <= 0x27BF or 0x2B00 <= cp <= 0x2BFF
                    or 0x1F000 <= cp <= 0x1FAFF), hex(cp)
        for c in rep:
            assert ord(c) < 0x80 or (ord(c) not in table and not computed(ord(c))), (hex(cp), rep)
    lines = ['// Generated by scripts/canonical_table.py (Unicode %s); do not edit.' % unicodedata.unidata_version]
    row = []
    for cp in sorted(table):
        rep = table[cp].encode()
        lit = ''.join('\\%03o' % b if b >= 0x80 or b in (0x22, 0x5C) else chr(b) for b in rep)
        lit = lit.replace('\\042', '\\"').replace('\\134', '\\\\')
        row.append('{0x%04X, %d, "%s"},' % (cp, len(rep), lit))
        if len(row) == 6:
            lines.append(' '.join(row))
            row = []
    if row:
        lines.append(' '.join(row))
    out = sys.argv[1] if len(sys.argv) > 1 else 'engine/src/canonical_table.inc'
    with open(out, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')
    print('%d entries -> %s' % (len(table), out))


if __name__ == '__main__':
    main()
