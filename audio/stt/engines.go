package stt

import (
	"errors"
	"fmt"

	"github.com/tollgate/tollgate/audio"
)

// Installed returns the recognizers available on this machine for clips in
// lang ("en" or "ko"): PocketSphinx with the digits grammar, and for "en"
// also with the general language model (full only, it is slower); and what
// it left out, with the reason. It fails with an error matching
// ErrNotInstalled when no recognizer is available.
func Installed(lang string, full bool, opts ...Option) ([]audio.Recognizer, []Skip, error) {
	if _, ok := digitWords[lang]; !ok {
		return nil, nil, errorf("language %q (want en or ko)", lang)
	}
	var recs []audio.Recognizer
	var skipped []Skip
	modes := []Mode{Digits}
	if full {
		modes = append(modes, LanguageModel)
	}
	for _, m := range modes {
		r, err := NewPocketSphinx(lang, m, opts...)
		if err != nil {
			skipped = append(skipped, Skip{Engine: fmt.Sprintf("pocketsphinx:%s:%s", lang, m), Reason: err.Error()})
			continue
		}
		recs = append(recs, r)
	}
	if len(recs) == 0 {
		var err error = ErrNotInstalled
		for _, s := range skipped {
			err = errors.Join(err, errors.New(s.Engine+": "+s.Reason))
		}
		return nil, skipped, err
	}
	return recs, skipped, nil
}
