package ir

import "testing"

func TestQuote(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"plain text is kept", "nc", `"nc"`},
		{"quote and backslash are escaped", `a"b\c`, `"a\"b\\c"`},
		{"control characters are escaped", "a\tb\nc\x01", `"a\tb\nc\u{1}"`},
		{"line separators are escaped", "a\u2028b", `"a\u{2028}b"`},
		{"bidi overrides are escaped so the rule reads as it matches", "a\u202eb\u2066c\u200f", `"a\u{202e}b\u{2066}c\u{200f}"`},
		{"other non-ASCII is kept", "café ☃", `"café ☃"`},
	} {
		if got := Quote(tc.in); got != tc.want {
			t.Errorf("%s: Quote(%q) = %s, want %s", tc.name, tc.in, got, tc.want)
		}
	}
}
