package dsp

// mulawTable maps each G.711 µ-law byte to its linear 16-bit value. It is
// computed once and never written afterwards.
var mulawTable = func() (t [256]int16) {
	for i := range t {
		t[i] = mulawDecode(byte(i))
	}
	return t
}()

// mulawDecode expands one G.711 µ-law byte.
func mulawDecode(b byte) int16 {
	u := ^b
	sign := u & 0x80
	exp := (u >> 4) & 0x07
	mant := int32(u & 0x0f)
	v := ((mant << 3) + 0x84) << exp
	v -= 0x84
	if sign != 0 {
		return int16(-v)
	}
	return int16(v)
}

// MuLawDecode expands a G.711 µ-law byte to a linear 16-bit sample.
func MuLawDecode(b byte) int16 { return mulawTable[b] }

// MuLawEncode compresses a linear 16-bit sample to a G.711 µ-law byte.
func MuLawEncode(s int16) byte {
	const bias, clip = 0x84, 32635
	v := int32(s)
	var sign byte
	if v < 0 {
		v = -v
		sign = 0x80
	}
	if v > clip {
		v = clip
	}
	v += bias
	exp := byte(7)
	for mask := int32(0x4000); v&mask == 0 && exp > 0; mask >>= 1 {
		exp--
	}
	mant := byte(v>>(exp+3)) & 0x0f
	return ^(sign | exp<<4 | mant)
}
