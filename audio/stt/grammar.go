package stt

import (
	"sort"
	"strings"
)

// digitWords lists, per language, the words of the attacker's digits
// grammar with their pronunciations in the en-us acoustic model's phone set
// (CMU ARPAbet) and the digit each stands for. Korean digits (Sino-Korean,
// 0 as 공 or 영) are spelled with the nearest English phones, since Debian
// ships no Korean acoustic model.
var digitWords = map[string][]struct {
	word, phones string
	digit        byte
}{
	"en": {
		{"zero", "Z IH R OW", '0'}, {"zero(2)", "Z IY R OW", '0'}, {"oh", "OW", '0'},
		{"one", "W AH N", '1'}, {"one(2)", "HH W AH N", '1'}, {"two", "T UW", '2'},
		{"three", "TH R IY", '3'}, {"four", "F AO R", '4'}, {"five", "F AY V", '5'},
		{"six", "S IH K S", '6'}, {"seven", "S EH V AH N", '7'}, {"eight", "EY T", '8'},
		{"nine", "N AY N", '9'},
	},
	"ko": {
		{"gong", "K OW NG", '0'}, {"gong(2)", "G OW NG", '0'}, {"yeong", "Y AH NG", '0'},
		{"il", "IY L", '1'}, {"i", "IY", '2'}, {"sam", "S AA M", '3'}, {"sa", "S AA", '4'},
		{"o", "OW", '5'}, {"yuk", "Y UW K", '6'}, {"yuk(2)", "Y UH K", '6'},
		{"chil", "CH IY L", '7'}, {"pal", "P AA L", '8'}, {"gu", "K UW", '9'}, {"gu(2)", "G UW", '9'},
	},
}

// homophones maps words of the general English model to the digits an
// attacker would read them as.
var homophones = map[string]byte{
	"zero": '0', "oh": '0', "o": '0', "one": '1', "won": '1', "two": '2', "to": '2', "too": '2',
	"three": '3', "four": '4', "for": '4', "fore": '4', "five": '5', "six": '6', "seven": '7',
	"eight": '8', "ate": '8', "nine": '9',
}

// grammarLangs returns the languages with a digits grammar.
func grammarLangs() []string {
	out := make([]string, 0, len(digitWords))
	for l := range digitWords {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// digitsGrammar returns the JSGF grammar of one or more digit words in
// lang, as an attacker would write it.
func digitsGrammar(lang string) string {
	var words []string
	seen := map[string]bool{}
	for _, w := range digitWords[lang] {
		base := baseWord(w.word)
		if !seen[base] {
			seen[base] = true
			words = append(words, base)
		}
	}
	return "#JSGF V1.0;\ngrammar digits;\npublic <digits> = <digit>+;\n<digit> = " + strings.Join(words, " | ") + ";\n"
}

// digitsDict returns the pronunciation dictionary of the digits grammar.
func digitsDict(lang string) string {
	var b strings.Builder
	for _, w := range digitWords[lang] {
		b.WriteString(w.word + " " + w.phones + "\n")
	}
	return b.String()
}

// baseWord strips a pronunciation variant suffix such as "(2)".
func baseWord(w string) string {
	if i := strings.IndexByte(w, '('); i > 0 {
		return w[:i]
	}
	return w
}

// wordsToDigits rewrites one utterance: digit words of lang (or, with
// homophonesToo, English homophones) become ASCII digits, other words stay.
func wordsToDigits(line, lang string, homophonesToo bool) string {
	fields := strings.Fields(line)
	for i, f := range fields {
		w := strings.ToLower(baseWord(f))
		if homophonesToo {
			if d, ok := homophones[w]; ok {
				fields[i] = string(d)
				continue
			}
		}
		for _, dw := range digitWords[lang] {
			if baseWord(dw.word) == w {
				fields[i] = string(dw.digit)
				break
			}
		}
	}
	return strings.Join(fields, " ")
}
