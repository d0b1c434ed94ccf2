package captcha_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/tollgate/tollgate/captcha"
)

func audioHarness(t *testing.T, maxRefreshes int) *harness {
	t.Helper()
	return newHarness(t, captcha.WithMaxRefreshes(maxRefreshes), captcha.WithGenerator(captcha.KindAudio, captcha.GeneratorFunc(
		func(ctx context.Context, req captcha.Request) (*captcha.Puzzle, error) {
			return &captcha.Puzzle{Answers: []string{"123456"}, Prompt: "listen", Media: []byte("RIFF"), MediaType: "audio/wav"}, nil
		})))
}

// TestRefreshToAudioKeepsRefreshes: switching to the audio alternative is
// not a new challenge; every other refresh counts.
func TestRefreshToAudioKeepsRefreshes(t *testing.T) {
	h := audioHarness(t, 2)
	ctx := context.Background()
	iss, err := h.svc.Create(ctx, captcha.KindImage, "en")
	if err != nil {
		t.Fatal(err)
	}
	for i, step := range []struct {
		kind captcha.Kind
		left int
	}{
		{captcha.KindAudio, 2}, // image → audio: free
		{captcha.KindImage, 1}, // audio → image: counts
		{captcha.KindImage, 0}, // image → image: counts
		{captcha.KindAudio, 0}, // image → audio at the limit: still allowed
	} {
		next, err := h.svc.Refresh(ctx, iss.ID, step.kind, "en")
		if err != nil || next.Kind != step.kind || next.RefreshesLeft != step.left {
			t.Fatalf("step %d: Refresh(%s) = %+v, %v; want kind %s with %d refreshes left", i+1, step.kind, next, err, step.kind, step.left)
		}
		iss = next
	}
	for _, kind := range []captcha.Kind{captcha.KindAudio, captcha.KindImage} {
		if _, err := h.svc.Refresh(ctx, iss.ID, kind, "en"); !errors.Is(err, captcha.ErrRefreshLimit) {
			t.Fatalf("Refresh(audio → %s) at the limit = %v, want ErrRefreshLimit", kind, err)
		}
	}
}

// TestRefreshToAudioWithoutRefreshes: a screen allowed no refreshes still
// reaches the audio alternative, once.
func TestRefreshToAudioWithoutRefreshes(t *testing.T) {
	h := audioHarness(t, -1)
	ctx := context.Background()
	iss, err := h.svc.Create(ctx, captcha.KindImage, "en")
	if err != nil || iss.RefreshesLeft != 0 {
		t.Fatalf("Create = %+v, %v; want 0 refreshes left", iss, err)
	}
	audio, err := h.svc.Refresh(ctx, iss.ID, captcha.KindAudio, "en")
	if err != nil || audio.Kind != captcha.KindAudio {
		t.Fatalf("Refresh(audio) = %+v, %v; want an audio challenge", audio, err)
	}
	if _, err := h.svc.Refresh(ctx, audio.ID, captcha.KindImage, "en"); !errors.Is(err, captcha.ErrRefreshLimit) {
		t.Fatalf("Refresh(back to image) = %v, want ErrRefreshLimit", err)
	}
}

// TestHandlerRefreshToAudio: the JSON API reports the same refreshesLeft
// after a switch to audio.
func TestHandlerRefreshToAudio(t *testing.T) {
	h := audioHarness(t, 1)
	api := h.svc.Handler()
	ch := decode[captcha.ChallengeJSON](t, do(t, api, "POST", "/tollgate/challenge", `{"lang":"en"}`))
	rec := do(t, api, "POST", "/tollgate/challenge/"+ch.ID+"/refresh", `{"kind":"audio"}`)
	audio := decode[captcha.ChallengeJSON](t, rec)
	if rec.Code != http.StatusCreated || audio.Kind != captcha.KindAudio || audio.RefreshesLeft != ch.RefreshesLeft {
		t.Fatalf("refresh to audio = %d %s; want 201, an audio challenge with %d refreshes left", rec.Code, rec.Body, ch.RefreshesLeft)
	}
}
