package stt

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestReadings(t *testing.T) {
	tr := "5 8 6 7\n8 9 8 0 1\nhello 3 two 4"
	got := Readings(tr)
	want := map[string][]string{
		StrategyAll:       {"5867898013" + "4"},
		StrategySkipFirst: {"89801" + "34"},
		StrategyUtterance: {"5867", "89801", "34"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Readings(%q) = %v, want %v", tr, got, want)
	}
	if got := Readings("1 2 3"); got[StrategySkipFirst] != nil || got[StrategyAll][0] != "123" {
		t.Errorf("Readings(one utterance) = %v, want no skip-first reading", got)
	}
	if got := Readings(""); len(got) != 0 {
		t.Errorf("Readings(\"\") = %v, want none", got)
	}
}

func TestHears(t *testing.T) {
	tests := []struct {
		tr      string
		answers []string
		want    bool
	}{
		{"prompt 5 5\n0 4 6 5 5", []string{"04655"}, true}, // one utterance
		{"0 4\n6 5 5", []string{"04655"}, true},            // across utterances, in a row
		{"1 0 4 6 5 5 9", []string{"04655"}, true},         // inside all digits
		{"0 4 6 9 5 5", []string{"04655"}, false},
		{"0 4 6 5 5", []string{"04-655"}, true},
		{"", []string{"04655"}, false},
		{"1 2", []string{"", "abc"}, false},
	}
	for _, tt := range tests {
		if got := Hears(tt.tr, tt.answers); got != tt.want {
			t.Errorf("Hears(%q, %q) = %v, want %v", tt.tr, tt.answers, got, tt.want)
		}
	}
}

func TestRecovered(t *testing.T) {
	tests := []struct {
		digits, answer string
		want           float64
	}{
		{"04655", "04655", 1},
		{"99046559", "04655", 1},
		{"0465", "04655", 0.8},
		{"04955", "04655", 0.8},
		{"", "04655", 0},
		{"777", "04655", 0},
		{"123", "", 0},
	}
	for _, tt := range tests {
		if got := Recovered(tt.digits, tt.answer); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("Recovered(%q, %q) = %v, want %v", tt.digits, tt.answer, got, tt.want)
		}
	}
}

func TestWordsToDigits(t *testing.T) {
	tests := []struct {
		line, lang string
		homophones bool
		want       string
	}{
		{"three one(2) four oh zero", "en", false, "3 1 4 0 0"},
		{"type the digits to four", "en", false, "type the digits to 4"},
		{"type the digits to four", "en", true, "type the digits 2 4"},
		{"gong il i sam sa o yuk chil pal gu yeong", "ko", false, "0 1 2 3 4 5 6 7 8 9 0"},
		{"gong(2) gu(2)", "ko", false, "0 9"},
	}
	for _, tt := range tests {
		if got := wordsToDigits(tt.line, tt.lang, tt.homophones); got != tt.want {
			t.Errorf("wordsToDigits(%q, %s, %v) = %q, want %q", tt.line, tt.lang, tt.homophones, got, tt.want)
		}
	}
}

func TestGrammarAndDict(t *testing.T) {
	for _, lang := range grammarLangs() {
		g, d := digitsGrammar(lang), digitsDict(lang)
		if !strings.HasPrefix(g, "#JSGF V1.0;") || !strings.Contains(g, "public <digits> = <digit>+;") {
			t.Errorf("digitsGrammar(%s) = %q", lang, g)
		}
		// Every grammar word has a pronunciation, and every digit a word.
		digits := map[byte]bool{}
		for _, w := range digitWords[lang] {
			if !strings.Contains(g, baseWord(w.word)) || !strings.Contains(d, w.word+" "+w.phones+"\n") {
				t.Errorf("%s: word %s missing from grammar or dictionary", lang, w.word)
			}
			digits[w.digit] = true
		}
		if len(digits) != 10 {
			t.Errorf("%s: words cover %d digits, want 10", lang, len(digits))
		}
		if strings.Contains(g, "(2)") {
			t.Errorf("%s: grammar lists a pronunciation variant: %q", lang, g)
		}
	}
}

func TestParseOutputs(t *testing.T) {
	cont := "three one four\n000000001: five oh\n\n"
	if got := parseContinuous([]byte(cont)); !reflect.DeepEqual(got, []string{"three one four", "five oh"}) {
		t.Errorf("parseContinuous = %q", got)
	}
	js := `{"b":0.000,"d":1.2,"p":1.000,"t":"three one","w":[]}
{"b":1.5,"d":0.5,"p":1,"t":"","w":[]}
{"b":2.0,"d":0.5,"p":1,"t":"nine","w":[{"t":"nine","b":2.0,"d":0.5,"p":1}]}
`
	got, err := parseJSONLines([]byte(js))
	if err != nil || !reflect.DeepEqual(got, []string{"three one", "nine"}) {
		t.Errorf("parseJSONLines = %q, %v", got, err)
	}
	if _, err := parseJSONLines([]byte("{not json\n")); err == nil {
		t.Errorf("parseJSONLines(bad) = nil error")
	}
}

func TestControl(t *testing.T) {
	if got := control("04-655"); got != "59100" {
		t.Errorf("control(04-655) = %q, want 59100", got)
	}
	// A transcript that is the control recovers all of it and little of
	// the answer.
	if r := Recovered("59100", control("04655")); r != 1 {
		t.Errorf("Recovered(control) = %v, want 1", r)
	}
	if r := Recovered("59100", "04655"); r > 0.2 {
		t.Errorf("Recovered(59100, 04655) = %v, want ≤ 0.2", r)
	}
}
