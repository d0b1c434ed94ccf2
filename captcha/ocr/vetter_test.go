package ocr

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"testing"
	"time"

	"github.com/tollgate/tollgate/captcha"
)

func pngPuzzle(t *testing.T, answers ...string) *captcha.Puzzle {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 20, 10))); err != nil {
		t.Fatal(err)
	}
	return &captcha.Puzzle{Answers: answers, Media: buf.Bytes(), MediaType: "image/png"}
}

func TestVetter(t *testing.T) {
	reader := &fakeRec{name: "reader", cands: []captcha.Candidate{{Text: "x"}, {Text: "Cafe  RISSWICK!", Config: "psm11 dark×3"}}}
	blind := &fakeRec{name: "blind", cands: []captcha.Candidate{{Text: "Cafe Riswick"}}}
	broken := &fakeRec{name: "broken", fn: func(int, image.Image) ([]captcha.Candidate, error) { return nil, errBroken }}
	p := pngPuzzle(t, "Cafe Risswick")
	var events []Event
	hook := WithEventHook(func(_ context.Context, e Event) { events = append(events, e) })
	tick := time.Unix(0, 0)
	clock := WithNow(func() time.Time { tick = tick.Add(time.Millisecond); return tick })

	v, err := NewVetter([]captcha.Recognizer{blind, reader, broken}, hook, clock)
	if err != nil {
		t.Fatal(err)
	}
	ok, err := v.Vet(context.Background(), captcha.KindImage, p)
	if ok || err != nil {
		t.Errorf("Vet(read by reader) = %v, %v, want false, nil", ok, err)
	}
	if broken.calls != 0 {
		t.Errorf("Vet ran %d recognizers after one read the answer, want 0", broken.calls)
	}
	if len(events) != 1 || events[0].Type != "ocr.read" || events[0].Recognizer != "reader" || events[0].Config != "psm11 dark×3" || events[0].Duration <= 0 {
		t.Errorf("events = %+v, want one ocr.read by reader psm11 dark×3 with a duration", events)
	}

	events = nil
	v, _ = NewVetter([]captcha.Recognizer{blind}, hook)
	if ok, err := v.Vet(context.Background(), captcha.KindImage, p); !ok || err != nil {
		t.Errorf("Vet(nobody reads) = %v, %v, want true, nil", ok, err)
	}
	if len(events) != 1 || events[0].Type != "ocr.passed" {
		t.Errorf("events = %+v, want one ocr.passed", events)
	}

	events = nil
	v, _ = NewVetter([]captcha.Recognizer{blind, broken}, hook)
	if ok, err := v.Vet(context.Background(), captcha.KindImage, p); ok || !errors.Is(err, errBroken) {
		t.Errorf("Vet(broken engine) = %v, %v, want false, errBroken", ok, err)
	}
	if len(events) != 1 || events[0].Type != "ocr.error" || events[0].Recognizer != "broken" {
		t.Errorf("events = %+v, want one ocr.error by broken", events)
	}

	bad := &captcha.Puzzle{Answers: []string{"a"}, Media: []byte("not a png"), MediaType: "image/png"}
	if ok, err := v.Vet(context.Background(), captcha.KindImage, bad); ok || !errors.Is(err, ErrUndecodable) {
		t.Errorf("Vet(undecodable) = %v, %v, want false, ErrUndecodable", ok, err)
	}
	audioP := &captcha.Puzzle{Answers: []string{"12345"}, Media: []byte("RIFF"), MediaType: "audio/wav"}
	if ok, err := v.Vet(context.Background(), captcha.KindAudio, audioP); !ok || err != nil {
		t.Errorf("Vet(audio puzzle) = %v, %v, want true, nil (not judged)", ok, err)
	}
}

func TestNewVetterErrors(t *testing.T) {
	if _, err := NewVetter(nil); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("NewVetter(nil) = %v, want ErrInvalidOption", err)
	}
	if _, err := NewVetter([]captcha.Recognizer{nil}); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("NewVetter([nil]) = %v, want ErrInvalidOption", err)
	}
}

// TestVetterInPool runs the Vetter inside a captcha.Service pool and checks
// that puzzles an engine reads are discarded and counted.
func TestVetterInPool(t *testing.T) {
	gen := captcha.GeneratorFunc(func(ctx context.Context, req captcha.Request) (*captcha.Puzzle, error) {
		var buf bytes.Buffer
		png.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 4)))
		return &captcha.Puzzle{Answers: []string{"answer"}, Prompt: "p", Media: buf.Bytes(), MediaType: "image/png"}, nil
	})
	reads := &fakeRec{name: "reads-every-other", fn: func(i int, _ image.Image) ([]captcha.Candidate, error) {
		if i%2 == 0 {
			return []captcha.Candidate{{Text: "the ANSWER"}}, nil
		}
		return []captcha.Candidate{{Text: "nothing"}}, nil
	}}
	v, err := NewVetter([]captcha.Recognizer{reads})
	if err != nil {
		t.Fatal(err)
	}
	discarded := make(chan string, 64)
	svc, err := captcha.New(
		captcha.WithGenerator(captcha.KindImage, gen),
		captcha.WithLanguages("en"),
		captcha.WithPool(captcha.PoolConfig{Size: 2, Workers: 1}),
		captcha.WithVetter(v),
		captcha.WithEventHook(func(_ context.Context, e captcha.Event) {
			if e.Type == "pool.discarded" {
				select {
				case discarded <- e.Reason:
				default:
				}
			}
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	deadline := time.After(10 * time.Second)
	for {
		st := svc.PoolStats()
		if st.Ready == 2 {
			if st.Discarded < 2 || st.Rendered < 4 {
				t.Errorf("PoolStats = %+v, want at least 2 discarded of 4 rendered", st)
			}
			break
		}
		select {
		case <-deadline:
			t.Fatalf("pool did not fill: %+v", svc.PoolStats())
		case <-time.After(5 * time.Millisecond):
		}
	}
	if r := <-discarded; r == "" {
		t.Errorf("pool.discarded event without a reason")
	}
}
