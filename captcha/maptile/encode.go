package maptile

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"slices"
	"sync"
)

// pngBuffers reuses the PNG encoder's buffers (and its zlib writer).
type pngBuffers struct{ p sync.Pool }

// Get implements png.EncoderBufferPool.
func (b *pngBuffers) Get() *png.EncoderBuffer {
	if v, ok := b.p.Get().(*png.EncoderBuffer); ok {
		return v
	}
	return nil
}

// Put implements png.EncoderBufferPool.
func (b *pngBuffers) Put(e *png.EncoderBuffer) { b.p.Put(e) }

// encodePNG encodes img as a PNG. Map images hold few distinct colours, so
// it encodes a 256-colour palette image built from the most frequent
// colours, which is several times smaller and faster than true colour.
func encodePNG(img *image.RGBA, q *quantizer, pool png.EncoderBufferPool) ([]byte, error) {
	pal := q.quantize(img)
	var buf bytes.Buffer
	buf.Grow(64 << 10)
	enc := png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: pool}
	if err := enc.Encode(&buf, pal); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// EncodePNG encodes img the way challenge images are encoded: as a PNG of
// at most 256 colours, the most frequent ones, with every other colour
// mapped to its nearest. Map images lose nothing visible and shrink several
// times. It is safe for concurrent use.
func EncodePNG(img *image.RGBA) ([]byte, error) {
	var q quantizer
	return encodePNG(img, &q, nil)
}

type binAcc struct{ n, r, g, b uint32 }

// quantizer maps images to 256 colours; it keeps its tables between uses.
type quantizer struct {
	hist  []binAcc
	index []uint16 // palette index per bin; unmapped marks bins not yet mapped
	used  []uint32
	out   *image.Paletted
	ents  [256]palEntry
	order []uint8 // palette indices sorted by sum
}

const unmapped = 0xffff

type palEntry struct{ r, g, b, sum int32 }

// quantize maps img to at most 256 colours. Colours are binned to 5 bits
// per channel; the palette is the mean colour of the 256 most frequent bins
// of a 1-in-4 sample of the pixels, and every pixel takes its bin's palette
// entry, or the entry nearest its colour. The result is valid until the
// next call.
func (q *quantizer) quantize(img *image.RGBA) *image.Paletted {
	const bins = 1 << 15
	if q.hist == nil {
		q.hist = make([]binAcc, bins)
		q.index = make([]uint16, bins)
	}
	hist := q.hist
	clear(hist)
	pix := img.Pix
	w, h := img.Rect.Dx(), img.Rect.Dy()
	binOf := func(v uint32) uint32 {
		return (v>>3&0x1f)<<10 | (v>>11&0x1f)<<5 | (v >> 19 & 0x1f)
	}
	// Sample every other pixel of every other row; runs of one colour are
	// common, so count a run before touching the histogram.
	var run, prev uint32
	flush := func() {
		if run > 0 {
			a := &hist[binOf(prev)]
			a.n += run
			a.r += (prev & 0xff) * run
			a.g += (prev >> 8 & 0xff) * run
			a.b += (prev >> 16 & 0xff) * run
		}
	}
	for y := 0; y < h; y += 2 {
		row := pix[y*img.Stride : y*img.Stride+4*w]
		for i := 0; i+3 < len(row); i += 8 {
			v := binary.LittleEndian.Uint32(row[i:]) & 0xffffff
			if v == prev && run > 0 {
				run++
				continue
			}
			flush()
			prev, run = v, 1
		}
	}
	flush()
	used := q.used[:0]
	for k := range hist {
		if hist[k].n > 0 {
			used = append(used, uint32(k))
		}
	}
	q.used = used
	// Most frequent first; ties by bin so the palette is deterministic.
	slices.SortFunc(used, func(a, b uint32) int {
		na, nb := hist[a].n, hist[b].n
		switch {
		case na > nb:
			return -1
		case na < nb:
			return 1
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	})
	n := min(len(used), 256)
	palette := make(color.Palette, n)
	index := q.index
	for i := range index {
		index[i] = unmapped
	}
	q.order = q.order[:0]
	for i := 0; i < n; i++ {
		a := hist[used[i]]
		r, g, b := uint8(a.r/a.n), uint8(a.g/a.n), uint8(a.b/a.n)
		palette[i] = color.RGBA{r, g, b, 255}
		q.ents[i] = palEntry{int32(r), int32(g), int32(b), int32(r) + int32(g) + int32(b)}
		q.order = append(q.order, uint8(i))
		index[used[i]] = uint16(i)
	}
	slices.SortFunc(q.order, func(a, b uint8) int { return int(q.ents[a].sum - q.ents[b].sum) })
	if q.out == nil || q.out.Rect.Dx() != w || q.out.Rect.Dy() != h {
		q.out = image.NewPaletted(image.Rect(0, 0, w, h), palette)
	}
	out := q.out
	out.Palette = palette
	for y := 0; y < h; y++ {
		row := pix[y*img.Stride : y*img.Stride+4*w]
		dst := out.Pix[y*out.Stride : y*out.Stride+w]
		var last uint32
		var li uint8
		for x := range dst {
			v := binary.LittleEndian.Uint32(row[4*x:]) & 0xffffff
			if v != last || x == 0 {
				last = v
				k := binOf(v)
				idx := index[k]
				if idx == unmapped {
					idx = uint16(q.nearest(int32(v&0xff), int32(v>>8&0xff), int32(v>>16&0xff)))
					index[k] = idx
				}
				li = uint8(idx)
			}
			dst[x] = li
		}
	}
	return out
}

// nearest returns the palette entry nearest (r, g, b) by the weighted
// distance 3dr²+4dg²+2db².
func (q *quantizer) nearest(r, g, b int32) uint8 {
	ord := q.order
	if len(ord) == 0 {
		return 0
	}
	sum := r + g + b
	// Start at the first entry with sum >= the colour's and search both
	// ways; since d >= (12/13)·Δsum², a direction ends once Δsum² alone is
	// too far.
	lo, hi := 0, len(ord)
	for lo < hi {
		mid := (lo + hi) / 2
		if q.ents[ord[mid]].sum < sum {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	best, bestD := ord[min(lo, len(ord)-1)], int32(1<<30)
	try := func(j int) bool {
		e := q.ents[ord[j]]
		ds := e.sum - sum
		if ds*ds*12/13 > bestD {
			return false
		}
		dr, dg, db := r-e.r, g-e.g, b-e.b
		if d := 3*dr*dr + 4*dg*dg + 2*db*db; d < bestD {
			best, bestD = ord[j], d
		}
		return true
	}
	for j := lo; j < len(ord) && try(j); j++ {
	}
	for j := lo - 1; j >= 0 && try(j); j-- {
	}
	return best
}
