package ocr

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// tessdataInfo is what the installed Tesseract offers.
type tessdataInfo struct {
	dir   string
	langs map[string]bool
}

// listLangs runs "tesseract --list-langs" and parses its report, such as
//
//	List of available languages in "/usr/share/tesseract-ocr/5/tessdata/" (3):
//	eng
//	kor
func listLangs(ctx context.Context, r *runner, dir string) (*tessdataInfo, error) {
	args := []string{"--list-langs"}
	if dir != "" {
		args = []string{"--tessdata-dir", dir, "--list-langs"}
	}
	out, err := r.run(ctx, "", args...)
	if err != nil {
		return nil, err
	}
	return parseListLangs(string(out), dir)
}

func parseListLangs(out, dir string) (*tessdataInfo, error) {
	info := &tessdataInfo{dir: dir, langs: map[string]bool{}}
	for i, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if i == 0 || strings.HasPrefix(line, "List of") {
			if a, b := strings.Index(line, `"`), strings.LastIndex(line, `"`); a >= 0 && b > a && info.dir == "" {
				info.dir = line[a+1 : b]
			}
			continue
		}
		info.langs[line] = true
	}
	if len(info.langs) == 0 {
		return nil, &EngineError{Engine: "tesseract", Err: errors.New("no languages listed")}
	}
	return info, nil
}

// Component indices of a traineddata file (tesseract's TessdataType) that
// the legacy engine (--oem 0) needs.
const (
	tessInttemp   = 3
	tessPffmtable = 4
	tessNormproto = 5
)

// hasLegacy reports whether the traineddata file at path holds the
// components of Tesseract's legacy engine. The file starts with a
// little-endian int32 count of components and one int64 offset per
// component, -1 for an absent one. The tessdata_fast and tessdata_best
// models (and Debian's tesseract-ocr-eng 4.x packages) are LSTM-only.
func hasLegacy(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	var n int32
	if err := binary.Read(f, binary.LittleEndian, &n); err != nil {
		return false, fmt.Errorf("ocr: %s: %w", filepath.Base(path), err)
	}
	if n <= tessNormproto || n > 1000 {
		return false, fmt.Errorf("ocr: %s: implausible component count %d", filepath.Base(path), n)
	}
	offsets := make([]int64, n)
	if err := binary.Read(f, binary.LittleEndian, offsets); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return false, fmt.Errorf("ocr: %s: truncated header", filepath.Base(path))
		}
		return false, err
	}
	for _, c := range []int{tessInttemp, tessPffmtable, tessNormproto} {
		if offsets[c] < 0 {
			return false, nil
		}
	}
	return true, nil
}
