package main

import (
	"context"
	"fmt"
	"io"

	"github.com/tollgate/tollgate/audio"
	"github.com/tollgate/tollgate/captcha"
)

const sampleAudioUsage = `Usage: tollgate sample audio -n N -out DIR [-lang ko|en] [-seed S]

Writes N audio challenges as DIR/audio-NNN.wav (16 kHz mono WAV) and
DIR/answers.tsv with the columns file, answer and prompt (header row). The
same -seed and -lang always write the same files.

Flags:
`

func newAudioFlags() *sampleFlags { return newSampleFlags("audio", 10, sampleAudioUsage) }

// sampleAudio implements "tollgate sample audio".
func sampleAudio(args []string, stdout, stderr io.Writer) error {
	sf := newAudioFlags()
	if err := sf.parse(args, stdout); err != nil {
		return err
	}
	synth, err := audio.New()
	if err != nil {
		return err
	}
	ctx := context.Background()
	err = sf.write(newProgress(stderr), "audio clips", "audio", "wav", func(i int) (*captcha.Puzzle, error) {
		return synth.Generate(ctx, captcha.Request{Seed: sampleSeed("audio", *sf.lang, *sf.seed, i), Lang: *sf.lang})
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d audio clips and answers.tsv to %s (-lang %s -seed %d)\n", *sf.n, *sf.out, *sf.lang, *sf.seed)
	return nil
}
