package ocr

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/tollgate/tollgate/captcha"
)

// TesseractEngine selects Tesseract's recognition engine (its --oem).
type TesseractEngine int

// Tesseract's engines.
const (
	// Legacy is the pattern-matching engine of Tesseract 3 (--oem 0). It
	// needs traineddata files that include its components (the
	// "tessdata" repository's, not tessdata_fast or tessdata_best).
	Legacy TesseractEngine = 0
	// LSTM is the neural-network engine of Tesseract 4 and later
	// (--oem 1).
	LSTM TesseractEngine = 1
)

// String returns "legacy" or "lstm".
func (e TesseractEngine) String() string {
	if e == Legacy {
		return "legacy"
	}
	return "lstm"
}

// Tesseract runs the tesseract program. It is safe for concurrent use; each
// Recognize call works in its own temporary directory.
type Tesseract struct {
	run      *runner
	lang     string
	oem      TesseractEngine
	psms     []int
	variants []Variant
	tessdata string
}

var _ captcha.Recognizer = (*Tesseract)(nil)

var langRE = regexp.MustCompile(`^[a-z_]{3,16}(\+[a-z_]{3,16})*$`)

// NewTesseract returns a recognizer that runs Tesseract with the language
// model lang ("eng", "kor", or several joined by "+"), engine oem and each
// page segmentation mode in psms (--psm: 3 automatic, 6 one block, 7 one
// line, 8 one word, 11 sparse text, 12 sparse text with orientation
// detection, 13 raw line). It checks that the program and the language data
// are installed (*NotInstalledError otherwise) and that the data supports
// oem (an error matching ErrUnsupported otherwise).
func NewTesseract(ctx context.Context, lang string, oem TesseractEngine, psms []int, opts ...Option) (*Tesseract, error) {
	c, err := newConfig("tesseract", opts)
	if err != nil {
		return nil, err
	}
	if !langRE.MatchString(lang) {
		return nil, errorf("tesseract language %q", lang)
	}
	if oem != Legacy && oem != LSTM {
		return nil, errorf("tesseract engine %d", int(oem))
	}
	if len(psms) == 0 {
		return nil, errorf("no tesseract page segmentation modes")
	}
	for _, p := range psms {
		if p < 1 || p > 13 || p == 2 {
			return nil, errorf("tesseract page segmentation mode %d (want 1, 3 to 13)", p)
		}
	}
	// One thread per run: the audit and the pool run engines side by side
	// on shared machines, and OpenMP threads only add contention there.
	r, err := newRunner("tesseract", c.bin, "apt-get install tesseract-ocr", c.timeout, "OMP_THREAD_LIMIT=1")
	if err != nil {
		return nil, err
	}
	info, err := listLangs(ctx, r, c.tessdata)
	if err != nil {
		return nil, err
	}
	for _, l := range strings.Split(lang, "+") {
		if !info.langs[l] {
			return nil, &NotInstalledError{Engine: "tesseract", What: l + ".traineddata", Hint: "apt-get install tesseract-ocr-" + l}
		}
		if oem == Legacy {
			ok, err := hasLegacy(filepath.Join(info.dir, l+".traineddata"))
			if err != nil {
				return nil, fmt.Errorf("%w: %v", ErrUnsupported, err)
			}
			if !ok {
				return nil, fmt.Errorf("%w: %s.traineddata in %s has no legacy engine (--oem 0) components; it is LSTM-only", ErrUnsupported, l, info.dir)
			}
		}
	}
	return &Tesseract{run: r, lang: lang, oem: oem, psms: append([]int(nil), psms...), variants: c.variants, tessdata: c.tessdata}, nil
}

// Name returns "tesseract:<lang>:<engine>", such as "tesseract:eng:lstm".
func (t *Tesseract) Name() string { return "tesseract:" + t.lang + ":" + t.oem.String() }

// Recognize runs every page segmentation mode over every variant of img
// and returns one Candidate per pair, with Config "psm<N> <variant>" and the
// mean word confidence. All variants go to one tesseract run per mode, as
// pages of a list file, which saves loading the model each time.
func (t *Tesseract) Recognize(ctx context.Context, img image.Image) ([]captcha.Candidate, error) {
	if img.Bounds().Empty() {
		return nil, nil
	}
	dir, err := os.MkdirTemp("", "tollgate-ocr-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	var list strings.Builder
	for i, v := range t.variants {
		p := filepath.Join(dir, fmt.Sprintf("v%d.png", i))
		if err := writePNG(p, v.Apply(img)); err != nil {
			return nil, err
		}
		list.WriteString(p + "\n")
	}
	listPath := filepath.Join(dir, "pages.txt")
	if err := os.WriteFile(listPath, []byte(list.String()), 0o600); err != nil {
		return nil, err
	}
	var out []captcha.Candidate
	for _, psm := range t.psms {
		args := []string{listPath, "stdout", "-l", t.lang, "--oem", strconv.Itoa(int(t.oem)), "--psm", strconv.Itoa(psm)}
		if t.tessdata != "" {
			args = append(args, "--tessdata-dir", t.tessdata)
		}
		args = append(args, "tsv")
		stdout, err := t.run.run(ctx, dir, args...)
		if err != nil {
			return nil, err
		}
		pages, err := parseTSV(stdout)
		if err != nil {
			return nil, &EngineError{Engine: "tesseract", Err: err}
		}
		for i, v := range t.variants {
			pg := pages[i+1]
			out = append(out, captcha.Candidate{Text: pg.text, Confidence: pg.conf, Config: fmt.Sprintf("psm%d %s", psm, v.Name)})
		}
	}
	return out, nil
}

// tsvPage is the text Tesseract read on one page.
type tsvPage struct {
	text string
	conf float64
}

// parseTSV reads Tesseract's TSV output (level, page_num, block_num,
// par_num, line_num, word_num, left, top, width, height, conf, text) into
// the text of each page, keyed by page number from 1: words joined by
// spaces, lines by newlines, with the mean word confidence scaled to [0, 1].
func parseTSV(b []byte) (map[int]tsvPage, error) {
	type lineKey struct{ page, block, par, line int }
	type acc struct {
		lines   []string
		lineIdx map[lineKey]int
		conf    float64
		words   int
	}
	pages := map[int]*acc{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	first := true
	for sc.Scan() {
		line := sc.Text()
		if first {
			first = false
			if strings.HasPrefix(line, "level") {
				continue
			}
		}
		f := strings.SplitN(line, "\t", 12)
		if len(f) < 11 {
			continue
		}
		if f[0] != "5" || len(f) < 12 {
			continue
		}
		var k lineKey
		var err error
		nums := []*int{&k.page, &k.block, &k.par, &k.line}
		for i, p := range nums {
			if *p, err = strconv.Atoi(f[i+1]); err != nil {
				return nil, fmt.Errorf("tsv: bad number %q", f[i+1])
			}
		}
		word := strings.TrimSpace(f[11])
		if word == "" {
			continue
		}
		a := pages[k.page]
		if a == nil {
			a = &acc{lineIdx: map[lineKey]int{}}
			pages[k.page] = a
		}
		i, ok := a.lineIdx[k]
		if !ok {
			i = len(a.lines)
			a.lineIdx[k] = i
			a.lines = append(a.lines, "")
		}
		if a.lines[i] != "" {
			a.lines[i] += " "
		}
		a.lines[i] += word
		if c, err := strconv.ParseFloat(f[10], 64); err == nil && c >= 0 {
			a.conf += c
			a.words++
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	out := make(map[int]tsvPage, len(pages))
	for p, a := range pages {
		pg := tsvPage{text: strings.Join(a.lines, "\n")}
		if a.words > 0 {
			pg.conf = a.conf / float64(a.words) / 100
		}
		out[p] = pg
	}
	return out, nil
}
