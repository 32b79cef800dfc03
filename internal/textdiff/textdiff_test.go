package textdiff

import (
	"strings"
	"testing"
)

func TestLines(t *testing.T) {
	tests := []struct {
		name      string
		want, got string
		diff      string
	}{
		{"equal texts give no diff", "a\nb\n", "a\nb\n", ""},
		{"changed line shows as minus then plus", "a\nb\nc\n", "a\nB\nc\n",
			"@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"},
		{"added line at the end", "a\n", "a\nb\n", "@@ -1,1 +1,2 @@\n a\n+b\n"},
		{"far apart changes make two hunks",
			"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "x\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ny\n",
			"@@ -1,4 +1,4 @@\n-1\n+x\n 2\n 3\n 4\n@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+y\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Lines(tt.want, tt.got); got != tt.diff {
				t.Errorf("Lines() =\n%s\nwant\n%s", got, tt.diff)
			}
		})
	}
}

func TestLinesMarksEveryChangedLine(t *testing.T) {
	d := Lines("keep\nold1\nold2\n", "keep\nnew1\n")
	for _, want := range []string{"-old1", "-old2", "+new1", " keep"} {
		if !strings.Contains(d, want+"\n") {
			t.Errorf("diff lacks %q:\n%s", want, d)
		}
	}
}
