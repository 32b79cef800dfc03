package ir

import (
	"strings"
	"unicode"
)

// Fold returns the case-folding key of s under Unicode simple case folding:
// two strings are equal ignoring case (as `in~`, `:`, `like~`, `regex~` and
// the `~` functions compare them) exactly when their Fold keys are equal.
// Each rune maps to the smallest rune of its simple-folding orbit
// (unicode.SimpleFold), which agrees with strings.EqualFold.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		// ASCII letters fold to upper case under the smallest-rune rule:
		// 'A' (0x41) < 'a' (0x61).
		return strings.ToUpper(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// foldRune returns the smallest rune of r's simple-folding orbit.
func foldRune(r rune) rune {
	min := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < min {
			min = f
		}
	}
	return min
}
