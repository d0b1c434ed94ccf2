package maptile_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"strings"
	"testing"

	"github.com/tollgate/tollgate/captcha"
	"github.com/tollgate/tollgate/captcha/maptile"
	"github.com/tollgate/tollgate/captcha/maptile/osmsource"
)

// TestContactSheet writes the contact sheet of the package README,
// ../../docs/maptile-samples.png, and prints its captions, when
// TOLLGATE_WRITE_DOCS is set (scripts/maptile-contact-sheet.sh).
func TestContactSheet(t *testing.T) {
	out := os.Getenv("TOLLGATE_WRITE_DOCS")
	if out == "" {
		t.Skip("set TOLLGATE_WRITE_DOCS=1 to write docs/maptile-samples.png")
	}
	path := "../../docs/maptile-samples.png"
	if out != "1" {
		path = out
	}
	ctx := context.Background()
	seoul, err := osmsource.Open(ctx, "../../testdata/osm/seoul-gongdeok-small.osm")
	if err != nil {
		t.Fatal(err)
	}
	monaco, err := osmsource.Open(ctx, "../../testdata/osm/monaco-port-small.osm.pbf")
	if err != nil {
		t.Fatal(err)
	}
	proc := newRenderer(t)
	osmSeoul := newRenderer(t, maptile.WithSource(seoul))
	osmMonaco := newRenderer(t, maptile.WithSource(monaco))
	type sample struct {
		r    *maptile.Renderer
		src  string
		lang string
		s    maptile.MarkerStyle
	}
	samples := []sample{
		{proc, "procedural", "en", maptile.MarkerPin},
		{proc, "procedural", "ko", maptile.MarkerNumber},
		{proc, "procedural", "en", maptile.MarkerBuilding},
		{proc, "procedural", "ko", maptile.MarkerStreet},
		{proc, "procedural", "ko", maptile.MarkerPin},
		{proc, "procedural", "en", maptile.MarkerNumber},
		{proc, "procedural", "ko", maptile.MarkerBuilding},
		{proc, "procedural", "en", maptile.MarkerStreet},
		{osmSeoul, "OSM Seoul", "ko", maptile.MarkerPin},
		{osmSeoul, "OSM Seoul", "en", maptile.MarkerNumber},
		{osmMonaco, "OSM Monaco", "en", maptile.MarkerBuilding},
		{osmMonaco, "OSM Monaco", "ko", maptile.MarkerPin},
	}
	const cols, w, h, gap = 3, 480, 320, 6
	rows := (len(samples) + cols - 1) / cols
	sheet := image.NewRGBA(image.Rect(0, 0, cols*w+(cols+1)*gap, rows*h+(rows+1)*gap))
	draw.Draw(sheet, sheet.Rect, image.NewUniform(color.RGBA{0x60, 0x63, 0x68, 255}), image.Point{}, draw.Src)
	var captions strings.Builder
	for i, s := range samples {
		// Find a seed whose challenge uses the wanted style.
		var rd *maptile.Rendering
		for k := 0; ; k++ {
			rd = render(t, s.r, captcha.Request{Seed: seed(9000 + 97*i + k), Lang: s.lang})
			if rd.Style == s.s {
				break
			}
		}
		x, y := gap+(i%cols)*(w+gap), gap+(i/cols)*(h+gap)
		draw.Draw(sheet, image.Rect(x, y, x+w, y+h), rd.Image, image.Point{}, draw.Src)
		fmt.Fprintf(&captions, "| %d | %s | %s | %s | %s |\n", i+1, s.src, rd.Style, rd.Puzzle.Prompt, rd.Puzzle.Answers[0])
	}
	data, err := maptile.EncodePNG(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)\n%s", path, len(data), captions.String())
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
}
