package osmsource

import (
	"bytes"
	"cmp"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"google.golang.org/protobuf/encoding/protowire"
)

// The .osm.pbf format (OpenStreetMap wiki, "PBF Format") is a sequence of
// blobs: a 4-byte big-endian length, a BlobHeader message of that length
// naming the blob's type and size, then a Blob message holding one block,
// raw or zlib-compressed. The first blob is an OSMHeader (a HeaderBlock:
// bounding box and the features a reader needs), the others OSMData (a
// PrimitiveBlock: a string table and groups of nodes, dense nodes, ways and
// relations, whose tags and roles are indexes into the table and whose
// dense ids, coordinates and references are delta-coded). Blobs of other
// types are skipped, as the format asks.
//
// The decoder trusts no length or count in the file: the limits below are
// the format's own, every count is checked against the bytes that back it
// before anything is allocated for it, and what the collector keeps counts
// against its budget.

const (
	// maxBlobHeader bounds a BlobHeader: the format says it must be less
	// than 64 KiB.
	maxBlobHeader = 64 << 10
	// maxBlob bounds a Blob and the block it decompresses to: the format
	// says both must be less than 32 MiB.
	maxBlob = 32 << 20
)

// pbfFeatures are the required features (HeaderBlock.required_features)
// the decoder reads. HistoricalInformation is not among them: a history
// file holds every version of every element, deleted ones too, which would
// all be drawn.
var pbfFeatures = map[string]bool{"OsmSchema-V0.6": true, "DenseNodes": true}

// pbfError is a violation of the format; decodePBF says where it was.
type pbfError string

func (e pbfError) Error() string { return string(e) }

func pbfErrorf(format string, args ...any) error { return pbfError(fmt.Sprintf(format, args...)) }

// decodePBF reads an .osm.pbf file into c.
func decodePBF(ctx context.Context, r io.Reader, c *collector) error {
	d := &pbfDecoder{c: c, r: r}
	for ; ; d.n++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("osmsource: %w", err)
		}
		d.at = d.off
		done, err := d.next()
		if err != nil {
			if pe := pbfError(""); errors.As(err, &pe) {
				return fmt.Errorf("%w: pbf blob %d at byte %d: %v", ErrMalformed, d.n, d.at, err)
			}
			return err
		}
		if done {
			return nil
		}
	}
}

// pbfDecoder holds the state and the reused buffers of decodePBF. The
// buffers grow to the largest blob of the file, at most maxBlob each.
type pbfDecoder struct {
	c   *collector
	r   io.Reader
	off int64 // bytes read
	n   int   // the blob being read, from 0
	at  int64 // its offset in the file

	header, blob, block []byte
	zr                  io.ReadCloser // reused by Reset

	// The current block's string table and where each string starts in
	// it (the offset of its length), and its coordinate encoding.
	table          []byte
	strs           []uint32
	gran           int64
	latOff, lonOff int64

	tags tags // scratch for the element being read
}

// read reads n bytes of the file into buf, reallocated as needed. what
// names the part, for a truncated file.
func (d *pbfDecoder) read(buf []byte, n int, what string) ([]byte, error) {
	buf, k, err := fill(buf, d.r, n)
	d.off += int64(k)
	switch {
	case err == nil:
		return buf, nil
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return buf, pbfErrorf("file ends inside the %s", what)
	}
	return buf, fmt.Errorf("osmsource: read: %w", err)
}

// fillChunk is the most fill allocates beyond the bytes it has read.
const fillChunk = 1 << 20

// fill reads exactly n bytes from r into buf, reallocated as needed, and
// returns them, how many it read, and io.ReadFull's error. When buf is too
// small it grows as the bytes arrive, fillChunk at a time, so a size in
// the file that the data does not back costs no more than the data.
func fill(buf []byte, r io.Reader, n int) ([]byte, int, error) {
	if cap(buf) >= n {
		k, err := io.ReadFull(r, buf[:n])
		return buf[:k], k, err
	}
	buf = buf[:0]
	for len(buf) < n {
		chunk := min(n-len(buf), fillChunk)
		buf = slices.Grow(buf, chunk)
		k, err := io.ReadFull(r, buf[len(buf):len(buf)+chunk])
		buf = buf[:len(buf)+k]
		if err != nil {
			if err == io.EOF && len(buf) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return buf, len(buf), err
		}
	}
	return buf, n, nil
}

// next reads and decodes one blob; done is set at the end of the file.
func (d *pbfDecoder) next() (done bool, err error) {
	var size [4]byte
	n, err := io.ReadFull(d.r, size[:])
	d.off += int64(n)
	switch {
	case err == io.EOF && d.n > 0:
		return true, nil
	case err == io.EOF:
		return false, pbfError("empty file, want an OSMHeader blob")
	case err == io.ErrUnexpectedEOF:
		return false, pbfError("file ends inside a blob's length")
	case err != nil:
		return false, fmt.Errorf("osmsource: read: %w", err)
	}
	hl := binary.BigEndian.Uint32(size[:])
	if hl >= maxBlobHeader {
		return false, pbfErrorf("blob header of %d bytes, the format allows less than %d", hl, maxBlobHeader)
	}
	if d.header, err = d.read(d.header, int(hl), "blob header"); err != nil {
		return false, err
	}
	typ, size32, err := blobHeader(d.header)
	if err != nil {
		return false, err
	}
	if d.blob, err = d.read(d.blob, size32, "blob"); err != nil {
		return false, err
	}
	switch {
	case d.n == 0 && typ != "OSMHeader":
		return false, pbfErrorf("first blob is of type %q, want OSMHeader", short(typ))
	case typ == "OSMHeader" && d.n > 0:
		return false, pbfError("a second OSMHeader blob")
	case typ != "OSMHeader" && typ != "OSMData":
		return false, nil
	}
	data, err := d.unpack(d.blob)
	if err != nil {
		return false, err
	}
	if typ == "OSMHeader" {
		return false, d.headerBlock(data)
	}
	return false, d.primitiveBlock(data)
}

// short shortens a string from the file for an error message.
func short(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// blobHeader reads a BlobHeader: type = 1, indexdata = 2, datasize = 3.
func blobHeader(msg []byte) (typ string, size int, err error) {
	var haveType, haveSize bool
	w := wire{b: msg}
	for w.next() {
		switch w.num {
		case 1:
			if v, ok := w.bytes(); ok {
				typ, haveType = string(v), true
			}
		case 3:
			if v, ok := w.varint(); ok {
				if v >= maxBlob { // a negative int32 is a huge varint
					return "", 0, pbfErrorf("blob of %d bytes, the format allows less than %d", int64(v), maxBlob)
				}
				size, haveSize = int(v), true
			}
		}
	}
	if w.err != nil {
		return "", 0, fmt.Errorf("blob header: %w", w.err)
	}
	if !haveType || !haveSize {
		return "", 0, pbfError("blob header lacks its type or size")
	}
	return typ, size, nil
}

// unpack returns the block a Blob holds: raw = 1, raw_size = 2,
// zlib_data = 3; lzma_data = 4, the obsolete bzip2 = 5, lz4_data = 6 and
// zstd_data = 7 are not supported.
func (d *pbfDecoder) unpack(msg []byte) ([]byte, error) {
	var (
		raw, zdata       []byte
		rawSize          uint64
		haveRawSize      bool
		kinds            int
		unsupported      string
		haveRaw, haveZip bool
	)
	w := wire{b: msg}
	for w.next() {
		switch w.num {
		case 1:
			raw, haveRaw = w.bytes()
			kinds++
		case 2:
			rawSize, haveRawSize = w.varint()
		case 3:
			zdata, haveZip = w.bytes()
			kinds++
		case 4, 5, 6, 7:
			unsupported = [...]string{"lzma", "bzip2", "lz4", "zstd"}[w.num-4]
			kinds++
		}
	}
	switch {
	case w.err != nil:
		return nil, fmt.Errorf("blob: %w", w.err)
	case kinds != 1:
		return nil, pbfErrorf("blob holds %d blocks, want 1", kinds)
	case unsupported != "":
		return nil, fmt.Errorf("osmsource: pbf blob %d at byte %d is %s-compressed: %w", d.n, d.at, unsupported, errors.ErrUnsupported)
	case haveRaw:
		return raw, nil
	case !haveZip:
		return nil, pbfError("blob holds no block")
	case !haveRawSize:
		return nil, pbfError("zlib blob lacks raw_size")
	case rawSize >= maxBlob:
		return nil, pbfErrorf("block of %d bytes, the format allows less than %d", int64(rawSize), maxBlob)
	}
	var err error
	if d.zr == nil {
		d.zr, err = zlib.NewReader(bytes.NewReader(zdata))
	} else {
		err = d.zr.(zlib.Resetter).Reset(bytes.NewReader(zdata), nil)
	}
	if err != nil {
		d.zr = nil
		return nil, pbfErrorf("zlib: %v", err)
	}
	d.block, _, err = fill(d.block, d.zr, int(rawSize))
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return nil, pbfErrorf("zlib data decompresses to less than raw_size %d", rawSize)
	case err != nil:
		return nil, pbfErrorf("zlib: %v", err)
	}
	// The end of the stream, where zlib checks its checksum.
	var one [1]byte
	switch _, err := io.ReadFull(d.zr, one[:]); {
	case err == nil:
		return nil, pbfErrorf("zlib data decompresses to more than raw_size %d", rawSize)
	case err != io.EOF:
		return nil, pbfErrorf("zlib: %v", err)
	}
	return d.block, nil
}

// headerBlock reads a HeaderBlock: bbox = 1, required_features = 4.
func (d *pbfDecoder) headerBlock(msg []byte) error {
	w := wire{b: msg}
	for w.next() {
		switch w.num {
		case 1:
			if v, ok := w.bytes(); ok {
				b, err := headerBBox(v)
				if err != nil {
					return err
				}
				d.c.raw.bounds = &b
			}
		case 4:
			if v, ok := w.bytes(); ok && !pbfFeatures[string(v)] {
				return fmt.Errorf("osmsource: pbf file requires the feature %q: %w", short(string(v)), errors.ErrUnsupported)
			}
		}
	}
	if w.err != nil {
		return fmt.Errorf("header block: %w", w.err)
	}
	return nil
}

// headerBBox reads a HeaderBBox: left = 1, right = 2, top = 3,
// bottom = 4, all required, in nanodegrees.
func headerBBox(msg []byte) (bounds, error) {
	var v [4]int64
	have := 0
	w := wire{b: msg}
	for w.next() {
		if w.num >= 1 && w.num <= 4 {
			if u, ok := w.varint(); ok {
				v[w.num-1] = protowire.DecodeZigZag(u)
				have |= 1 << (w.num - 1)
			}
		}
	}
	if w.err != nil {
		return bounds{}, fmt.Errorf("header bbox: %w", w.err)
	}
	if have != 0b1111 {
		return bounds{}, pbfError("header bbox lacks a side")
	}
	return bounds{minLon: 1e-9 * float64(v[0]), maxLon: 1e-9 * float64(v[1]), maxLat: 1e-9 * float64(v[2]), minLat: 1e-9 * float64(v[3])}, nil
}

// primitiveBlock reads a PrimitiveBlock: stringtable = 1,
// primitivegroup = 2 (repeated), granularity = 17, lat_offset = 19,
// lon_offset = 20. The fields may come in any order, so the groups are
// read in a second pass.
func (d *pbfDecoder) primitiveBlock(msg []byte) error {
	d.table, d.strs = nil, d.strs[:0]
	d.gran, d.latOff, d.lonOff = 100, 0, 0
	haveTable := false
	w := wire{b: msg}
	for w.next() {
		switch w.num {
		case 1:
			if v, ok := w.bytes(); ok {
				if haveTable {
					return pbfError("two string tables")
				}
				d.table, haveTable = v, true
			}
		case 17:
			if v, ok := w.varint(); ok {
				d.gran = int64(int32(v))
			}
		case 19:
			if v, ok := w.varint(); ok {
				d.latOff = int64(v)
			}
		case 20:
			if v, ok := w.varint(); ok {
				d.lonOff = int64(v)
			}
		}
	}
	if w.err != nil {
		return fmt.Errorf("primitive block: %w", w.err)
	}
	if d.gran <= 0 {
		return pbfErrorf("granularity %d, want a positive number of nanodegrees", d.gran)
	}
	// StringTable: s = 1 (repeated bytes).
	t := wire{b: d.table}
	for t.next() {
		if t.num == 1 {
			if _, ok := t.bytes(); ok {
				d.strs = append(d.strs, uint32(t.at))
			}
		}
	}
	if t.err != nil {
		return fmt.Errorf("string table: %w", t.err)
	}
	w = wire{b: msg}
	for w.next() {
		if w.num != 2 {
			continue
		}
		if v, ok := w.bytes(); ok {
			if err := d.group(v); err != nil {
				return err
			}
		}
	}
	if w.err != nil {
		return fmt.Errorf("primitive block: %w", w.err)
	}
	return nil
}

// str returns string i of the block's table.
func (d *pbfDecoder) str(i uint64) (string, error) {
	if i >= uint64(len(d.strs)) {
		return "", pbfErrorf("string index %d out of range (%d strings)", i, len(d.strs))
	}
	b, _ := protowire.ConsumeBytes(d.table[d.strs[i]:]) // checked when indexed
	return d.c.intern(b), nil
}

func (d *pbfDecoder) lat(v int64) float64 { return 1e-9 * float64(d.latOff+d.gran*v) }
func (d *pbfDecoder) lon(v int64) float64 { return 1e-9 * float64(d.lonOff+d.gran*v) }

// group reads a PrimitiveGroup: nodes = 1, dense = 2, ways = 3,
// relations = 4 (all repeated); changesets = 5 are skipped.
func (d *pbfDecoder) group(msg []byte) error {
	w := wire{b: msg}
	for w.next() {
		var decode func([]byte) error
		switch w.num {
		case 1:
			decode = d.node
		case 2:
			decode = d.dense
		case 3:
			decode = d.way
		case 4:
			decode = d.relation
		default:
			continue
		}
		if v, ok := w.bytes(); ok {
			if err := decode(v); err != nil {
				return err
			}
		}
	}
	if w.err != nil {
		return fmt.Errorf("primitive group: %w", w.err)
	}
	return nil
}

// keyVals decodes the parallel keys and vals of a node, way or relation
// into d.tags.
func (d *pbfDecoder) keyVals(what string, keys, vals *packed) error {
	n := keys.count()
	if vals.count() != n {
		return pbfErrorf("%s has %d keys and %d values", what, n, vals.count())
	}
	if err := d.c.reserve(n); err != nil {
		return err
	}
	d.tags = d.tags[:0]
	for range n {
		k, err := keys.next()
		if err != nil {
			return pbfErrorf("%s keys: %v", what, err)
		}
		v, err := vals.next()
		if err != nil {
			return pbfErrorf("%s values: %v", what, err)
		}
		var tg tag
		if tg.key, err = d.str(k); err != nil {
			return err
		}
		if tg.value, err = d.str(v); err != nil {
			return err
		}
		d.tags = append(d.tags, tg)
	}
	return nil
}

// node reads a Node: id = 1, keys = 2, vals = 3, info = 4, lat = 8,
// lon = 9.
func (d *pbfDecoder) node(msg []byte) error {
	var (
		id, lat, lon int64
		keys, vals   packed
	)
	w := wire{b: msg}
	for w.next() {
		switch w.num {
		case 1:
			if v, ok := w.varint(); ok {
				id = protowire.DecodeZigZag(v)
			}
		case 8:
			if v, ok := w.varint(); ok {
				lat = protowire.DecodeZigZag(v)
			}
		case 9:
			if v, ok := w.varint(); ok {
				lon = protowire.DecodeZigZag(v)
			}
		case 2:
			keys.add(&w)
		case 3:
			vals.add(&w)
		}
	}
	if w.err != nil {
		return fmt.Errorf("node: %w", w.err)
	}
	if err := d.keyVals("node", &keys, &vals); err != nil {
		return err
	}
	return d.c.node(id, d.lat(lat), d.lon(lon), d.tags)
}

// dense reads DenseNodes: id = 1, denseinfo = 5, lat = 8, lon = 9 (all
// delta-coded), keys_vals = 10 (each node's key and value indexes, then
// 0; empty when no node has tags).
func (d *pbfDecoder) dense(msg []byte) error {
	var ids, lats, lons, kv packed
	w := wire{b: msg}
	for w.next() {
		switch w.num {
		case 1:
			ids.add(&w)
		case 8:
			lats.add(&w)
		case 9:
			lons.add(&w)
		case 10:
			kv.add(&w)
		}
	}
	if w.err != nil {
		return fmt.Errorf("dense nodes: %w", w.err)
	}
	n := ids.count()
	if lats.count() != n || lons.count() != n {
		return pbfErrorf("dense nodes have %d ids, %d latitudes and %d longitudes", n, lats.count(), lons.count())
	}
	hasTags := len(kv.b) > 0
	var id, lat, lon int64
	for i := range n {
		di, err1 := ids.next()
		dlat, err2 := lats.next()
		dlon, err3 := lons.next()
		if err := cmp.Or(err1, err2, err3); err != nil {
			return pbfErrorf("dense node %d: %v", i, err)
		}
		id += protowire.DecodeZigZag(di)
		lat += protowire.DecodeZigZag(dlat)
		lon += protowire.DecodeZigZag(dlon)
		d.tags = d.tags[:0]
		for hasTags {
			k, err := kv.next()
			if err != nil {
				return pbfErrorf("dense node %d: keys_vals ends inside its tags", i)
			}
			if k == 0 {
				break
			}
			v, err := kv.next()
			if err != nil {
				return pbfErrorf("dense node %d: keys_vals ends inside its tags", i)
			}
			if err := d.c.reserve(1); err != nil {
				return err
			}
			var tg tag
			if tg.key, err = d.str(k); err != nil {
				return err
			}
			if tg.value, err = d.str(v); err != nil {
				return err
			}
			d.tags = append(d.tags, tg)
		}
		if err := d.c.node(id, d.lat(lat), d.lon(lon), d.tags); err != nil {
			return err
		}
	}
	if len(ids.b)+len(lats.b)+len(lons.b)+len(kv.b) > 0 {
		return pbfError("dense nodes: values left over after the last node")
	}
	return nil
}

// way reads a Way: id = 1, keys = 2, vals = 3, info = 4, refs = 8
// (delta-coded); the optional node locations (9, 10) are not used.
func (d *pbfDecoder) way(msg []byte) error {
	var (
		id               int64
		keys, vals, refs packed
	)
	w := wire{b: msg}
	for w.next() {
		switch w.num {
		case 1:
			if v, ok := w.varint(); ok {
				id = int64(v)
			}
		case 2:
			keys.add(&w)
		case 3:
			vals.add(&w)
		case 8:
			refs.add(&w)
		}
	}
	if w.err != nil {
		return fmt.Errorf("way: %w", w.err)
	}
	if err := d.keyVals("way", &keys, &vals); err != nil {
		return err
	}
	n := refs.count()
	if err := d.c.reserve(n); err != nil {
		return err
	}
	var nodes []int64
	if n > 0 {
		nodes = make([]int64, n)
	}
	var ref int64
	for i := range nodes {
		v, err := refs.next()
		if err != nil {
			return pbfErrorf("way %d refs: %v", id, err)
		}
		ref += protowire.DecodeZigZag(v)
		nodes[i] = ref
	}
	if len(refs.b) > 0 {
		return pbfErrorf("way %d refs: a truncated number", id)
	}
	d.c.way(id, nodes, d.tags)
	return nil
}

// relation reads a Relation: id = 1, keys = 2, vals = 3, info = 4,
// roles_sid = 8, memids = 9 (delta-coded), types = 10.
func (d *pbfDecoder) relation(msg []byte) error {
	var (
		id                            int64
		keys, vals, roles, ids, kinds packed
	)
	w := wire{b: msg}
	for w.next() {
		switch w.num {
		case 1:
			if v, ok := w.varint(); ok {
				id = int64(v)
			}
		case 2:
			keys.add(&w)
		case 3:
			vals.add(&w)
		case 8:
			roles.add(&w)
		case 9:
			ids.add(&w)
		case 10:
			kinds.add(&w)
		}
	}
	if w.err != nil {
		return fmt.Errorf("relation: %w", w.err)
	}
	if err := d.keyVals("relation", &keys, &vals); err != nil {
		return err
	}
	n := ids.count()
	if roles.count() != n || kinds.count() != n {
		return pbfErrorf("relation %d has %d member ids, %d roles and %d types", id, n, roles.count(), kinds.count())
	}
	if err := d.c.reserve(n); err != nil {
		return err
	}
	var members []member
	if n > 0 {
		members = make([]member, n)
	}
	var ref int64
	for i := range members {
		r, err1 := roles.next()
		v, err2 := ids.next()
		k, err3 := kinds.next()
		if err := cmp.Or(err1, err2, err3); err != nil {
			return pbfErrorf("relation %d member %d: %v", id, i, err)
		}
		if k > uint64(memberRelation) {
			return pbfErrorf("relation %d member %d: type %d, want 0 to 2", id, i, k)
		}
		ref += protowire.DecodeZigZag(v)
		role, err := d.str(r)
		if err != nil {
			return err
		}
		members[i] = member{typ: memberType(k), ref: ref, role: role}
	}
	d.c.relation(id, members, d.tags)
	return nil
}

// wire steps through the fields of a protocol buffer message.
type wire struct {
	b   []byte
	i   int // where the next field starts
	at  int // where the current field's value starts
	num protowire.Number
	typ protowire.Type
	u   uint64 // a varint, fixed32 or fixed64 value
	v   []byte // a length-delimited value, or a varint's encoding
	err error
}

func (w *wire) next() bool {
	if w.err != nil || w.i >= len(w.b) {
		return false
	}
	num, typ, n := protowire.ConsumeTag(w.b[w.i:])
	if n < 0 {
		w.err = pbfErrorf("bad field tag: %v", protowire.ParseError(n))
		return false
	}
	w.at = w.i + n
	rest := w.b[w.at:]
	w.v = nil
	switch typ {
	case protowire.VarintType:
		w.u, n = protowire.ConsumeVarint(rest)
		if n > 0 {
			w.v = rest[:n]
		}
	case protowire.Fixed32Type:
		var u uint32
		u, n = protowire.ConsumeFixed32(rest)
		w.u = uint64(u)
	case protowire.Fixed64Type:
		w.u, n = protowire.ConsumeFixed64(rest)
	case protowire.BytesType:
		w.v, n = protowire.ConsumeBytes(rest)
	default:
		w.err = pbfErrorf("field %d is a group, which the format does not use", num)
		return false
	}
	if n < 0 {
		w.err = pbfErrorf("field %d: %v", num, protowire.ParseError(n))
		return false
	}
	w.num, w.typ = num, typ
	w.i = w.at + n
	return true
}

// wrongType stops the iteration at a field of the wrong wire type.
func (w *wire) wrongType(want string) {
	w.err = pbfErrorf("field %d has wire type %d, want %s", w.num, w.typ, want)
}

// varint returns the current field's value, which must be a varint.
func (w *wire) varint() (uint64, bool) {
	if w.typ != protowire.VarintType {
		w.wrongType("a varint")
		return 0, false
	}
	return w.u, true
}

// bytes returns the current field's value, which must be length-delimited.
func (w *wire) bytes() ([]byte, bool) {
	if w.typ != protowire.BytesType {
		w.wrongType("length-delimited")
		return nil, false
	}
	return w.v, true
}

// packed is a repeated varint field: the values of one or more packed
// occurrences, or of unpacked ones, which readers must accept too. It
// shares the message's bytes unless the field is split.
type packed struct {
	b        []byte
	set, own bool
}

func (p *packed) add(w *wire) {
	if w.typ != protowire.BytesType && w.typ != protowire.VarintType {
		w.wrongType("packed or varint")
		return
	}
	switch {
	case !p.set:
		p.b, p.set = w.v, true
	case !p.own:
		p.b = append(append(make([]byte, 0, len(p.b)+len(w.v)), p.b...), w.v...)
		p.own = true
	default:
		p.b = append(p.b, w.v...)
	}
}

// count returns how many values are left: the bytes that end a varint.
func (p *packed) count() int {
	n := 0
	for _, c := range p.b {
		if c < 0x80 {
			n++
		}
	}
	return n
}

// next consumes the next value.
func (p *packed) next() (uint64, error) {
	if len(p.b) == 0 {
		return 0, errors.New("too few values")
	}
	v, n := protowire.ConsumeVarint(p.b)
	if n < 0 {
		return 0, protowire.ParseError(n)
	}
	p.b = p.b[n:]
	return v, nil
}
