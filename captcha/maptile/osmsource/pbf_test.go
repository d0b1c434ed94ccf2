package osmsource

import (
	"bytes"
	"compress/zlib"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tollgate/tollgate/captcha"
)

// Builders of .osm.pbf files for the tests: messages are concatenated
// fields.

func msg(fields ...[]byte) []byte { return bytes.Join(fields, nil) }

func fVarint(num protowire.Number, v uint64) []byte {
	return protowire.AppendVarint(protowire.AppendTag(nil, num, protowire.VarintType), v)
}

func fSint(num protowire.Number, v int64) []byte { return fVarint(num, protowire.EncodeZigZag(v)) }

func fBytes(num protowire.Number, b []byte) []byte {
	return protowire.AppendBytes(protowire.AppendTag(nil, num, protowire.BytesType), b)
}

func fString(num protowire.Number, s string) []byte { return fBytes(num, []byte(s)) }

// fPacked is a packed repeated varint field.
func fPacked(num protowire.Number, vs ...uint64) []byte {
	var b []byte
	for _, v := range vs {
		b = protowire.AppendVarint(b, v)
	}
	return fBytes(num, b)
}

// fPackedDelta is a packed repeated sint64 field of the deltas of vs.
func fPackedDelta(num protowire.Number, vs ...int64) []byte {
	var b []byte
	var prev int64
	for _, v := range vs {
		b = protowire.AppendVarint(b, protowire.EncodeZigZag(v-prev))
		prev = v
	}
	return fBytes(num, b)
}

// blob frames a block as a file blob, raw or zlib-compressed.
func blob(typ string, block []byte, compress bool) []byte {
	var body []byte
	if compress {
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(block)
		zw.Close()
		body = msg(fVarint(2, uint64(len(block))), fBytes(3, z.Bytes()))
	} else {
		body = fBytes(1, block)
	}
	return frame(msg(fString(1, typ), fVarint(3, uint64(len(body)))), body)
}

// frame puts a blob header and a blob body together.
func frame(header, body []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(header)))
	return append(append(out, header...), body...)
}

// testHeader is a HeaderBlock with a bounding box and the features.
func testHeader(features ...string) []byte {
	bbox := msg(fSint(1, 7_416_500_000), fSint(2, 7_431_000_000), fSint(3, 43_740_000_000), fSint(4, 43_730_000_000))
	f := [][]byte{fBytes(1, bbox)}
	for _, s := range features {
		f = append(f, fString(4, s))
	}
	return msg(f...)
}

// stringTable is a StringTable; entry 0 is "" by convention.
func stringTable(s ...string) []byte {
	var f [][]byte
	for _, x := range append([]string{""}, s...) {
		f = append(f, fString(1, x))
	}
	return msg(f...)
}

// The strings of testBlock: index i+1 is testStrings[i].
var testStrings = []string{"amenity", "cafe", "name", "Café Ha", "highway", "primary", "Main Street", "type", "multipolygon", "building", "yes", "outer", "inner", "shop", "bakery"}

func si(s string) uint64 {
	for i, x := range testStrings {
		if x == s {
			return uint64(i + 1)
		}
	}
	panic(s)
}

// testWay is the Way of testBlock.
func testWay() []byte {
	return msg(fVarint(1, 20), fPacked(2, si("highway"), si("name")), fPacked(3, si("primary"), si("Main Street")),
		fPackedDelta(8, 10, 11, 12, 13))
}

// testBlock is a PrimitiveBlock with three dense nodes (one a café), a
// plain node (a bakery), testWay and a multipolygon relation, with a
// granularity of 1000 and offsets.
func testBlock() []byte { return testBlockWith(testWay()) }

func testBlockWith(way []byte) []byte {
	dense := msg(
		fPackedDelta(1, 10, 11, 12),
		fPackedDelta(8, 43_735_000, 43_736_000, 43_735_500), // ×1000 + offset 1000 nanodegrees
		fPackedDelta(9, 7_420_000, 7_421_000, 7_422_000),
		fPacked(10, si("amenity"), si("cafe"), si("name"), si("Café Ha"), 0, 0, 0),
	)
	plain := msg(fSint(1, 13), fPacked(2, si("shop")), fPacked(3, si("bakery")), fSint(8, 43_737_000), fSint(9, 7_423_000))
	rel := msg(fVarint(1, 30), fPacked(2, si("type"), si("building")), fPacked(3, si("multipolygon"), si("yes")),
		fPacked(8, si("outer"), si("inner"), 0), fPackedDelta(9, 20, 21, 10), fPacked(10, 1, 1, 0))
	return msg(
		fBytes(1, stringTable(testStrings...)),
		fBytes(2, msg(fBytes(2, dense))),
		fBytes(2, msg(fBytes(1, plain))),
		fBytes(2, msg(fBytes(3, way))),
		fBytes(2, msg(fBytes(4, rel))),
		fVarint(17, 1000), fVarint(19, 1000), fVarint(20, 2000),
	)
}

// testFile is a file of the header and testBlock.
func testFile(compress bool) []byte {
	return append(blob("OSMHeader", testHeader("OsmSchema-V0.6", "DenseNodes"), compress), blob("OSMData", testBlock(), compress)...)
}

// nano converts nanodegrees as the format says, at run time (a constant
// expression would be exact).
func nano(v int64) float64 { return 1e-9 * float64(v) }

// testWant is what testFile decodes to.
func testWant() *rawData {
	lat := func(v int64) float64 { return 1e-9 * float64(1000+1000*v) }
	lon := func(v int64) float64 { return 1e-9 * float64(2000+1000*v) }
	main := &way{id: 20, nodes: []int64{10, 11, 12, 13}, tags: tags{{"highway", "primary"}, {"name", "Main Street"}}}
	return &rawData{
		nodes: map[int64][2]float64{
			10: {lat(43_735_000), lon(7_420_000)}, 11: {lat(43_736_000), lon(7_421_000)},
			12: {lat(43_735_500), lon(7_422_000)}, 13: {lat(43_737_000), lon(7_423_000)},
		},
		pois: []node{
			{id: 10, lat: lat(43_735_000), lon: lon(7_420_000), tags: tags{{"amenity", "cafe"}, {"name", "Café Ha"}}},
			{id: 13, lat: lat(43_737_000), lon: lon(7_423_000), tags: tags{{"shop", "bakery"}}},
		},
		ways:    []*way{main},
		wayByID: map[int64]*way{20: main},
		relations: []*relation{{id: 30, tags: tags{{"type", "multipolygon"}, {"building", "yes"}},
			members: []member{{memberWay, 20, "outer"}, {memberWay, 21, "inner"}, {memberNode, 10, ""}}}},
		bounds: &bounds{minLat: nano(43_730_000_000), maxLat: nano(43_740_000_000), minLon: nano(7_416_500_000), maxLon: nano(7_431_000_000)},
		names:  map[string]bool{"caféha": true, "mainstreet": true},
	}
}

// dump prints r with what its pointers point at, nodes in id order.
func dump(r *rawData) string {
	if r == nil {
		return "<nil>"
	}
	var b strings.Builder
	ids := slices.Sorted(maps.Keys(r.nodes))
	for _, id := range ids {
		fmt.Fprintf(&b, "node %d %v\n", id, r.nodes[id])
	}
	for _, n := range r.pois {
		fmt.Fprintf(&b, "poi %+v\n", n)
	}
	for _, w := range r.ways {
		fmt.Fprintf(&b, "way %+v (by id: %v)\n", *w, r.wayByID[w.id] == w)
	}
	fmt.Fprintf(&b, "%d ways by id\n", len(r.wayByID))
	for _, rel := range r.relations {
		fmt.Fprintf(&b, "relation %+v\n", *rel)
	}
	if r.bounds != nil {
		fmt.Fprintf(&b, "bounds %+v\n", *r.bounds)
	}
	fmt.Fprintf(&b, "names %v\n", slices.Sorted(maps.Keys(r.names)))
	return b.String()
}

func decodeBytes(t testing.TB, data []byte, maxNodes int) (*rawData, error) {
	t.Helper()
	return scan(context.Background(), bytes.NewReader(data), PBF, maxNodes)
}

func TestDecodePBF(t *testing.T) {
	// Unpacked repeated fields and a packed field split in several must
	// read as the packed ones do; unknown fields and blob types are skipped.
	unpackedWay := msg(fVarint(1, 20), fVarint(2, si("highway")), fVarint(2, si("name")),
		fPacked(3, si("primary")), fPacked(3, si("Main Street")),
		fSint(8, 10), fPackedDelta(8, 1, 2), fSint(8, 1), fVarint(99, 5), fString(98, "x"))
	unpacked := append(blob("OSMHeader", testHeader("OsmSchema-V0.6", "DenseNodes"), false), blob("OSMData", testBlockWith(unpackedWay), false)...)
	withUnknown := msg(blob("OSMHeader", msg(testHeader("OsmSchema-V0.6"), fString(5, "Sort.Type_then_ID"), fString(16, "test")), true),
		blob("OSMIndex", []byte("anything"), false), blob("OSMData", msg(testBlock(), fVarint(18, 1000), fBytes(50, []byte{1, 2})), true))
	tests := []struct {
		name string
		data []byte
	}{
		{"raw", testFile(false)},
		{"zlib", testFile(true)},
		{"unpacked", unpacked},
		{"unknown fields and blobs", withUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeBytes(t, tt.data, 100)
			if err != nil {
				t.Fatalf("scan() error = %v", err)
			}
			if want := testWant(); !reflect.DeepEqual(got, want) {
				t.Errorf("scan() =\n%s\nwant\n%s", dump(got), dump(want))
			}
		})
	}
}

func TestDecodePBFErrors(t *testing.T) {
	header := blob("OSMHeader", testHeader(), false)
	data := func(block []byte) []byte {
		return append(append([]byte(nil), header...), blob("OSMData", block, false)...)
	}
	group := func(g []byte) []byte { return data(msg(fBytes(1, stringTable(testStrings...)), fBytes(2, g))) }
	dense := func(f ...[]byte) []byte { return group(fBytes(2, msg(f...))) }
	way := func(f ...[]byte) []byte { return group(fBytes(3, msg(f...))) }
	rel := func(f ...[]byte) []byte { return group(fBytes(4, msg(f...))) }
	// after is the header blob, then an OSMData blob of the given body.
	after := func(body ...[]byte) []byte {
		b := msg(body...)
		return append(append([]byte(nil), header...), frame(msg(fString(1, "OSMData"), fVarint(3, uint64(len(b)))), b)...)
	}
	zblob := func(rawSize uint64, z []byte) []byte { return after(fVarint(2, rawSize), fBytes(3, z)) }
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(testBlock())
	zw.Close()
	good := z.Bytes()
	badSum := append([]byte(nil), good...)
	badSum[len(badSum)-1] ^= 1
	full := testFile(false)

	tests := []struct {
		name string
		data []byte
		want error
		text string
	}{
		{"empty file", nil, ErrMalformed, "empty file"},
		{"not a pbf", []byte("not a pbf"), ErrMalformed, "blob header of"},
		{"truncated length", full[:2], ErrMalformed, "inside a blob's length"},
		{"truncated header", full[:10], ErrMalformed, "inside the blob header"},
		{"truncated blob", full[:len(full)-3], ErrMalformed, "blob 1 at byte"},
		{"header too large", binary.BigEndian.AppendUint32(nil, 64<<10), ErrMalformed, "less than 65536"},
		{"blob too large", frame(msg(fString(1, "OSMHeader"), fVarint(3, 32<<20)), nil), ErrMalformed, "less than 33554432"},
		{"negative blob size", frame(msg(fString(1, "OSMHeader"), fVarint(3, uint64(1<<64-5))), nil), ErrMalformed, "blob of -5 bytes"},
		{"header lacks size", frame(fString(1, "OSMHeader"), nil), ErrMalformed, "lacks its type or size"},
		{"data first", blob("OSMData", testBlock(), false), ErrMalformed, "want OSMHeader"},
		{"two headers", append(append([]byte(nil), header...), header...), ErrMalformed, "second OSMHeader"},
		{"no block", after(fVarint(2, 5)), ErrMalformed, "0 blocks"},
		{"two blocks", after(fBytes(1, nil), fBytes(3, nil)), ErrMalformed, "2 blocks"},
		{"zlib without raw_size", after(fBytes(3, good)), ErrMalformed, "lacks raw_size"},
		{"raw_size too large", zblob(32<<20, good), ErrMalformed, "block of 33554432 bytes"},
		{"raw_size too small", zblob(uint64(len(testBlock())-1), good), ErrMalformed, "more than raw_size"},
		{"raw_size too big", zblob(uint64(len(testBlock())+1), good), ErrMalformed, "less than raw_size"},
		{"zlib checksum", zblob(uint64(len(testBlock())), badSum), ErrMalformed, "checksum"},
		{"zlib header", zblob(10, []byte("garbage!")), ErrMalformed, "zlib: "},
		{"bad tag", data([]byte{0x80}), ErrMalformed, "bad field tag"},
		{"group wire type", data([]byte{0x0b, 0x0c}), ErrMalformed, "group"},
		{"wrong wire type", data(fString(17, "100")), ErrMalformed, "field 17 has wire type 2, want a varint"},
		{"zero granularity", data(fVarint(17, 0)), ErrMalformed, "granularity 0"},
		{"two string tables", data(msg(fBytes(1, nil), fBytes(1, nil))), ErrMalformed, "two string tables"},
		{"bbox lacks a side", blob("OSMHeader", fBytes(1, fSint(1, 5)), false), ErrMalformed, "lacks a side"},
		{"string index", way(fVarint(1, 1), fPacked(2, 99), fPacked(3, 1)), ErrMalformed, "string index 99 out of range (16 strings)"},
		{"keys without values", way(fVarint(1, 1), fPacked(2, 1, 2), fPacked(3, 1)), ErrMalformed, "2 keys and 1 values"},
		{"truncated ref", way(fVarint(1, 1), fBytes(8, []byte{2, 0x80})), ErrMalformed, "truncated number"},
		{"dense lengths", dense(fPackedDelta(1, 1, 2), fPackedDelta(8, 1, 2), fPackedDelta(9, 1)), ErrMalformed, "2 ids, 2 latitudes and 1 longitudes"},
		{"dense tags end", dense(fPackedDelta(1, 1), fPackedDelta(8, 1), fPackedDelta(9, 1), fPacked(10, si("amenity"))), ErrMalformed, "ends inside its tags"},
		{"dense tags left", dense(fPackedDelta(1, 1), fPackedDelta(8, 1), fPackedDelta(9, 1), fPacked(10, 0, 0)), ErrMalformed, "left over"},
		{"member lengths", rel(fVarint(1, 1), fPacked(8, 1), fPackedDelta(9, 1, 2), fPacked(10, 1, 1)), ErrMalformed, "2 member ids, 1 roles and 2 types"},
		{"member type", rel(fVarint(1, 1), fPacked(8, 1), fPackedDelta(9, 1), fPacked(10, 3)), ErrMalformed, "type 3"},
		{"lzma", after(fVarint(2, 9), fBytes(4, nil)), errors.ErrUnsupported, "lzma"},
		{"zstd", after(fBytes(7, nil)), errors.ErrUnsupported, "zstd"},
		{"history file", blob("OSMHeader", testHeader("OsmSchema-V0.6", "HistoricalInformation"), false), errors.ErrUnsupported, "HistoricalInformation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := decodeBytes(t, tt.data, 100)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.text) {
				t.Fatalf("scan() error = %v, want %v containing %q", err, tt.want, tt.text)
			}
			if raw != nil {
				t.Errorf("scan() returned data with the error")
			}
			if tt.want != ErrMalformed && errors.Is(err, ErrMalformed) {
				t.Errorf("scan() error = %v, which is not ErrMalformed", err)
			}
		})
	}
}

func TestDecodeLimits(t *testing.T) {
	refs := make([]int64, 50)
	for i := range refs {
		refs[i] = int64(i)
	}
	longWay := append(append([]byte(nil), blob("OSMHeader", testHeader(), false)...),
		blob("OSMData", msg(fBytes(2, fBytes(3, msg(fVarint(1, 1), fPackedDelta(8, refs...))))), false)...)
	tests := []struct {
		name     string
		data     []byte
		maxNodes int
		want     error
	}{
		{"nodes", testFile(false), 3, ErrTooLarge},
		{"nodes fit", testFile(false), 4, nil},
		{"references", longWay, 12, ErrTooLarge}, // 48 items allowed
		{"references fit", longWay, 13, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := decodeBytes(t, tt.data, tt.maxNodes); !errors.Is(err, tt.want) {
				t.Errorf("scan(max %d nodes) error = %v, want %v", tt.maxNodes, err, tt.want)
			}
		})
	}
}

// TestDecodeAllocatesWhatTheDataBacks: sizes the file claims cost no more
// memory than the bytes that are there.
func TestDecodeAllocatesWhatTheDataBacks(t *testing.T) {
	header := blob("OSMHeader", testHeader(), false)
	// A blob that says 32 MiB - 1 and holds 100 bytes.
	shortBlob := append(append([]byte(nil), header...), frame(msg(fString(1, "OSMData"), fVarint(3, 32<<20-1)), make([]byte, 100))...)
	// A 20-byte zlib stream that says it inflates to 32 MiB - 1.
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(make([]byte, 1000))
	zw.Close()
	body := msg(fVarint(2, 32<<20-1), fBytes(3, z.Bytes()))
	shortZlib := append(append([]byte(nil), header...), frame(msg(fString(1, "OSMData"), fVarint(3, uint64(len(body)))), body)...)
	for name, data := range map[string][]byte{"blob": shortBlob, "zlib": shortZlib} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := decodeBytes(t, data, 100)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: scan() error = %v, want ErrMalformed", name, err)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
			t.Errorf("%s: scan() allocated %d bytes for a truncated file of %d bytes, want under 4 MiB", name, got, len(data))
		}
	}
}

func TestDecodeReadErrorsAndCancel(t *testing.T) {
	errDisk := errors.New("disk on fire")
	_, err := scan(context.Background(), io.MultiReader(bytes.NewReader(testFile(false)[:30]), iotestErr{errDisk}), PBF, 100)
	if !errors.Is(err, errDisk) || errors.Is(err, ErrMalformed) {
		t.Errorf("scan(failing reader) error = %v, want the reader's error, not ErrMalformed", err)
	}
	_, err = scan(context.Background(), io.MultiReader(strings.NewReader(`<osm><node id="1" lat="1" lon="1">`), iotestErr{errDisk}), XML, 100)
	if !errors.Is(err, errDisk) || errors.Is(err, ErrMalformed) {
		t.Errorf("scan(failing XML reader) error = %v, want the reader's error, not ErrMalformed", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, f := range []Format{PBF, XML} {
		if _, err := scan(ctx, bytes.NewReader(testFile(false)), f, 100); !errors.Is(err, context.Canceled) {
			t.Errorf("scan(%v, cancelled) error = %v, want context.Canceled", f, err)
		}
	}
}

type iotestErr struct{ err error }

func testSeed(i int) captcha.Seed {
	var s captcha.Seed
	s[0], s[1], s[5] = byte(i), byte(i>>8), 0x0a
	return s
}

func (r iotestErr) Read([]byte) (int, error) { return 0, r.err }

// FuzzParsePBF feeds arbitrary bytes to the PBF decoder: it must return a
// Source or a classified error, never panic, and a Source must render.
func FuzzParsePBF(f *testing.F) {
	f.Add(testFile(false))
	f.Add(testFile(true))
	f.Add(blob("OSMHeader", testHeader(), false))
	f.Add([]byte("not a pbf"))
	if data, err := os.ReadFile("../../../testdata/osm/monaco-port-small.osm.pbf"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := Parse(context.Background(), bytes.NewReader(data), PBF, WithMaxNodes(10000))
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrEmpty) && !errors.Is(err, errors.ErrUnsupported) {
				t.Fatalf("Parse() error = %v, not one of ErrMalformed, ErrTooLarge, ErrEmpty, errors.ErrUnsupported", err)
			}
			return
		}
		for i := 0; i < 2; i++ {
			if _, err := src.Map(context.Background(), testSeed(i).Rand(), 480, 320); err != nil {
				t.Fatalf("Map() error = %v", err)
			}
		}
	})
}

// TestDecodeTestdata pins what the committed extracts decode to: the
// counts, and a digest of dump's text (every node's coordinates, every tag,
// reference and member, in order). The digests were made with the
// github.com/paulmach/osm decoders, so these read the extracts exactly as
// they did.
func TestDecodeTestdata(t *testing.T) {
	tests := []struct {
		path                                    string
		format                                  Format
		nodes, pois, ways, refs, members, names int
		digest                                  string
	}{
		{"../../../testdata/osm/seoul-gongdeok-small.osm", XML, 1341, 16, 238, 1683, 2, 190,
			"22c09c23350428dd6f1abc0581a0d3292a69789f86c8bbc51c9d8ef90a210b7d"},
		{"../../../testdata/osm/monaco-port-small.osm.pbf", PBF, 7833, 87, 1188, 9673, 26, 293,
			"69934b049c5e46f1ba949cbda822e6b2aa2c21cdbfc570c606651112ed84af06"},
	}
	for _, tt := range tests {
		t.Run(tt.format.String(), func(t *testing.T) {
			f, err := os.Open(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			raw, err := scan(context.Background(), f, tt.format, 5_000_000)
			if err != nil {
				t.Fatalf("scan(%s) error = %v", tt.path, err)
			}
			refs, members := 0, 0
			for _, w := range raw.ways {
				refs += len(w.nodes)
			}
			for _, r := range raw.relations {
				members += len(r.members)
			}
			got := []int{len(raw.nodes), len(raw.pois), len(raw.ways), refs, members, len(raw.names)}
			if want := []int{tt.nodes, tt.pois, tt.ways, tt.refs, tt.members, tt.names}; !slices.Equal(got, want) {
				t.Errorf("scan(%s) nodes, pois, ways, refs, members, names = %v, want %v", tt.path, got, want)
			}
			if got := fmt.Sprintf("%x", sha256.Sum256([]byte(dump(raw)))); got != tt.digest {
				t.Errorf("scan(%s) digest = %s, want %s", tt.path, got, tt.digest)
			}
		})
	}
}
