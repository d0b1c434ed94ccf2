package ocr

import (
	"math"
	"testing"
)

func TestReads(t *testing.T) {
	tests := []struct {
		text    string
		answers []string
		want    bool
	}{
		{"Dornden Roasters", []string{"Dornden Roasters"}, true},
		{"‘Dornden Roaste rs.", []string{"Dornden Roasters"}, true},
		{"noise\nDORNDEN\nroasters | x", []string{"Dornden Roasters"}, true},
		{"BCcafe Risswick", []string{"Cafe Risswick"}, true},
		{"Cafe Riswick", []string{"Cafe Risswick"}, false},
		{"Jessth-orpe-Way-", []string{"Jessthorpe Way"}, true},
		{"연 안 커 피", []string{"연안 커피"}, true},
		{"연안 거피", []string{"연안 커피"}, false},
		{"anything", []string{"", "  ", "-"}, false},
		{"", []string{"a"}, false},
		{"second answer here", []string{"nope", "answer"}, true},
	}
	for _, tt := range tests {
		if got := Reads(tt.text, tt.answers); got != tt.want {
			t.Errorf("Reads(%q, %q) = %v, want %v", tt.text, tt.answers, got, tt.want)
		}
	}
}

func TestRecovered(t *testing.T) {
	tests := []struct {
		text, answer string
		want         float64
	}{
		{"Cafe Risswick", "Cafe Risswick", 1},
		{"xx cafe risswick yy", "Cafe Risswick", 1},
		{"Cafe Riswick", "Cafe Risswick", 1 - 1.0/12},  // one deletion
		{"Cafe Rlsswick", "Cafe Risswick", 1 - 1.0/12}, // one substitution
		{"Cafe Ri sswick", "Cafe Risswick", 1},         // spaces are normalised away
		{"Ulvworih Gallery", "Ulvworth Gallery", 1 - 1.0/15},
		{"zzzz", "abcd", 0},
		{"", "abcd", 0},
		{"abcd", "", 0},
		{"화라연병원", "화라연병원", 1},
		{"화라'\n연병원", "화라연병원", 1},
		{"화라 연명원", "화라연병원", 0.8},
	}
	for _, tt := range tests {
		if got := Recovered(tt.text, tt.answer); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("Recovered(%q, %q) = %v, want %v", tt.text, tt.answer, got, tt.want)
		}
		if full := Recovered(tt.text, tt.answer) == 1; full != Reads(tt.text, []string{tt.answer}) {
			t.Errorf("Recovered(%q, %q) == 1 is %v but Reads is %v", tt.text, tt.answer, full, !full)
		}
	}
}

func TestSubstringDistance(t *testing.T) {
	tests := []struct {
		a, t string
		want int
	}{
		{"abc", "xxabcxx", 0},
		{"abc", "", 3},
		{"abc", "axc", 1},
		{"abc", "ac", 1},
		{"abc", "abxc", 1},
		{"kitten", "sitting", 2}, // "sittin" vs "kitten": k→s, e→i
	}
	for _, tt := range tests {
		if got := substringDistance([]rune(tt.a), []rune(tt.t)); got != tt.want {
			t.Errorf("substringDistance(%q, %q) = %d, want %d", tt.a, tt.t, got, tt.want)
		}
	}
}
