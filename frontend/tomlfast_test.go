package frontend

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/BurntSushi/toml"
)

// libraryDecode is the reference: the TOML library on the whole file.
func libraryDecode(data []byte) (tomlRule, error) {
	var doc tomlRule
	_, err := toml.Decode(string(data), &doc)
	return doc, err
}

// TestFastPathsAgreeWithTheLibrary: on every corpus and shipped rule, the
// hand-written decoder and the skim give what the library gives, and the
// hand-written one takes every file (else the benchmark pays for the library).
func TestFastPathsAgreeWithTheLibrary(t *testing.T) {
	shipped, _ := filepath.Glob(filepath.Join("..", "rules", "*.toml"))
	for _, f := range append(shipped, corpusFiles(t)...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want, err := libraryDecode(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		fast, ok := fastTOML(data)
		if !ok {
			t.Errorf("%s: the fast decoder gave up", f)
		} else if !reflect.DeepEqual(fast, want) {
			g, _ := json.Marshal(fast)
			w, _ := json.Marshal(want)
			t.Errorf("%s: fast decoder differs:\n got %s\nwant %s", f, g, w)
		}
		skim, ok := skimTOML(data)
		if !ok {
			t.Errorf("%s: skimming gave up", f)
			continue
		}
		if got, err := libraryDecode(skim); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: skimmed decode differs (%v)", f, err)
		}
	}
}

// FuzzFastTOML: whatever the hand-written decoder accepts, the library
// accepts too (on the statements the loader reads) and decodes the same way.
func FuzzFastTOML(f *testing.F) {
	shipped, _ := filepath.Glob(filepath.Join("..", "rules", "*.toml"))
	for _, p := range shipped {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("[rule]\nname = \"a\\u00e9\\n\"\ntags = [ 'x', \"y\", # c\n]\nrisk_score = 1_000\nquery = \"\"\"\nany \\\n  where true\"\"\"\n"))
	f.Add([]byte("[[rule.threat]]\nframework = 'M'\n[rule.threat.tactic]\nid = 'T'\n[[rule.threat.technique]]\nid = 'X'\n[[rule.threat.technique.subtechnique]]\nid = 'Y'\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, ok := fastTOML(data)
		if !ok {
			return
		}
		skim, ok := skimTOML(data)
		if !ok {
			t.Fatalf("fastTOML accepted what skimTOML refuses:\n%q", data)
		}
		want, err := libraryDecode(skim)
		if err != nil {
			t.Fatalf("fastTOML accepted what the library refuses (%v):\n%q", err, data)
		}
		if !reflect.DeepEqual(fast, want) {
			t.Fatalf("fastTOML differs from the library on\n%q\n got %+v\nwant %+v", data, fast, want)
		}
	})
}
