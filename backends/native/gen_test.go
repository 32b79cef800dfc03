package native

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestGenerateEventsIsDeterministicJSON(t *testing.T) {
	var a, b bytes.Buffer
	if err := GenerateEvents(&a, 2000, 7); err != nil {
		t.Fatal(err)
	}
	_ = GenerateEvents(&b, 2000, 7)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("same seed, different output")
	}
	lines := strings.Split(strings.TrimSuffix(a.String(), "\n"), "\n")
	if len(lines) != 2000 {
		t.Fatalf("%d lines", len(lines))
	}
	total := 0
	for _, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Fatalf("not JSON: %s", l)
		}
		total += len(l)
	}
	if avg := total / len(lines); avg < 1500 || avg > 2600 {
		t.Errorf("average line %d bytes, want about 2 KB", avg)
	}
}
