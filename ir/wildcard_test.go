package ir

import (
	"os"
	"strings"
	"testing"
)

// TestWildcardMatch pins the wildcard language of the contract (doc.go,
// "Wildcards and regular expressions").
func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		p, s string
		want bool
	}{
		{"*", "", true},
		{"*", "anything", true},
		{"a*", "a", true},
		{"*ssh*", "/usr/bin/sshd", true},
		{"*ssh*", "/usr/bin/sh", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},   // ? is exactly one character
		{"a?c", "abbc", false}, // ... not more
		{"?", "é", true},       // one code point, not one byte
		{"ab", "abc", false},   // the whole value must match
		{"bc", "abc", false},
		{`C:\*`, `C:\Windows`, true}, // backslash is literal, * still a wildcard
		{`a\*b`, `a\xyzb`, true},     // no escape character
		{`a\*b`, `a*b`, false},       // ... so \* is not a literal star
		{"*a*a*a*a*b", strings.Repeat("a", 60), false},
		{"N*", "nc", false}, // case is the caller's: compare Fold keys for like~
	}
	for _, tt := range tests {
		if got := WildcardMatch(tt.p, tt.s); got != tt.want {
			t.Errorf("WildcardMatch(%q, %q) = %v, want %v", tt.p, tt.s, got, tt.want)
		}
	}
	if !WildcardMatch(Fold("N*"), Fold("nc")) {
		t.Error("folded like~ does not match")
	}
}

// TestContractCoversEveryNode keeps the package documentation's contract in
// step with the node set: every Expr node and every operator spelling has a
// row in the table.
func TestContractCoversEveryNode(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	for _, want := range []string{
		"And", "Or", "Not", "In", "Match", "IsNull", "Compare", "Call", "Arith", "Field", "Literal",
		"f == v", "f != v", "in~", "not f in", "like p", "like~", ":", "regex p", "regex~ p",
		"f == null", "f != null", "f < v", "f == g",
		"missing", "null", "[]", "any elem", "no elem", "Kleene",
		"folded", "optional", "maxspan", "until", "runs=N", "![q]", "head", "tail",
		"ignore_above",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("doc.go does not mention %q", want)
		}
	}
}
