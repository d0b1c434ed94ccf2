package ocr

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeTraineddata(t *testing.T, present ...int) string {
	t.Helper()
	const n = 24
	b := binary.LittleEndian.AppendUint32(nil, n)
	offs := make([]int64, n)
	for i := range offs {
		offs[i] = -1
	}
	for _, p := range present {
		offs[p] = int64(4 + 8*n + p)
	}
	for _, o := range offs {
		b = binary.LittleEndian.AppendUint64(b, uint64(o))
	}
	b = append(b, make([]byte, 64)...)
	p := filepath.Join(t.TempDir(), "x.traineddata")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestHasLegacy(t *testing.T) {
	tests := []struct {
		name    string
		present []int
		want    bool
	}{
		{"LSTM only (tessdata_fast)", []int{17, 18, 19, 20, 21, 22, 23}, false},
		{"legacy and LSTM (tessdata)", []int{0, 1, 2, 3, 4, 5, 6, 7, 17}, true},
		{"legacy without normproto", []int{3, 4, 17}, false},
	}
	for _, tt := range tests {
		got, err := hasLegacy(writeTraineddata(t, tt.present...))
		if err != nil || got != tt.want {
			t.Errorf("hasLegacy(%s) = %v, %v, want %v, nil", tt.name, got, err, tt.want)
		}
	}
	short := filepath.Join(t.TempDir(), "short.traineddata")
	os.WriteFile(short, []byte{24, 0, 0, 0, 1, 2}, 0o600)
	if _, err := hasLegacy(short); err == nil {
		t.Errorf("hasLegacy(truncated) = nil error, want one")
	}
	bogus := filepath.Join(t.TempDir(), "bogus.traineddata")
	os.WriteFile(bogus, []byte{0xff, 0xff, 0xff, 0x7f}, 0o600)
	if _, err := hasLegacy(bogus); err == nil {
		t.Errorf("hasLegacy(huge count) = nil error, want one")
	}
	if _, err := hasLegacy(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("hasLegacy(missing) = %v, want ErrNotExist", err)
	}
}

func TestParseListLangs(t *testing.T) {
	out := "List of available languages in \"/usr/share/tesseract-ocr/5/tessdata/\" (3):\neng\nkor\nosd\n"
	info, err := parseListLangs(out, "")
	if err != nil {
		t.Fatal(err)
	}
	if info.dir != "/usr/share/tesseract-ocr/5/tessdata/" {
		t.Errorf("dir = %q", info.dir)
	}
	for _, l := range []string{"eng", "kor", "osd"} {
		if !info.langs[l] {
			t.Errorf("lang %s missing from %v", l, info.langs)
		}
	}
	if info, _ := parseListLangs(out, "/mine"); info.dir != "/mine" {
		t.Errorf("explicit dir overridden: %q", info.dir)
	}
	if _, err := parseListLangs("List of available languages in \"/x\" (0):\n", ""); !errors.Is(err, ErrEngine) {
		t.Errorf("parseListLangs(no langs) = %v, want ErrEngine", err)
	}
}

const sampleTSV = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n" +
	"1\t1\t0\t0\t0\t0\t0\t0\t400\t80\t-1\t\n" +
	"4\t1\t1\t1\t1\t0\t13\t28\t262\t28\t-1\t\n" +
	"5\t1\t1\t1\t1\t1\t13\t28\t115\t28\t90\tHanbit\n" +
	"5\t1\t1\t1\t1\t2\t142\t28\t78\t28\t80\tCafe\n" +
	"5\t1\t2\t1\t1\t1\t1\t1\t1\t1\t70\t42\n" +
	"1\t2\t0\t0\t0\t0\t0\t0\t400\t80\t-1\t\n" +
	"5\t2\t1\t1\t1\t1\t13\t29\t124\t33\t-1\t \n" +
	"5\t3\t1\t1\t1\t1\t13\t29\t124\t33\t50\t연안\n"

func TestParseTSV(t *testing.T) {
	pages, err := parseTSV([]byte(sampleTSV))
	if err != nil {
		t.Fatal(err)
	}
	if got := pages[1].text; got != "Hanbit Cafe\n42" {
		t.Errorf("page 1 text = %q, want %q", got, "Hanbit Cafe\n42")
	}
	if got := pages[1].conf; got < 0.7999 || got > 0.8001 {
		t.Errorf("page 1 conf = %v, want 0.8", got)
	}
	if _, ok := pages[2]; ok {
		t.Errorf("page 2 (no words) = %+v, want absent", pages[2])
	}
	if got := pages[3].text; got != "연안" {
		t.Errorf("page 3 text = %q", got)
	}
	if _, err := parseTSV([]byte("5\tx\t1\t1\t1\t1\t0\t0\t0\t0\t1\tword\n")); err == nil {
		t.Errorf("parseTSV(bad page number) = nil error")
	}
}

func FuzzParseTSV(f *testing.F) {
	f.Add([]byte(sampleTSV))
	f.Add([]byte("level\n5\t1\t1\t1\t1\t1\t0\t0\t0\t0\tnan\tx\n"))
	f.Add([]byte(strings.Repeat("5\t1\t1\t1\t1\t1\t0\t0\t0\t0\t99\tw\n", 50)))
	f.Fuzz(func(t *testing.T, b []byte) {
		pages, err := parseTSV(b)
		if err != nil {
			return
		}
		for p, pg := range pages {
			if pg.conf < 0 || pg.conf > 1e6 || strings.HasPrefix(pg.text, "\n") {
				t.Fatalf("page %d = %+v", p, pg)
			}
		}
	})
}
