package native

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestDecodeKeyShapes: keys of every length around the 8-byte word the
// key scanner reads at once, escaped keys, dotted keys and keys that end
// right before the end of the line all reach the field they name, and
// the keys and values beside them are skipped whatever their shape.
func TestDecodeKeyShapes(t *testing.T) {
	names := []string{"a", "abcdefg", "abcdefgh", "abcdefghi", "abcdefghijklmnopq", "ab.cd"}
	fillers := []string{`"x"`, `"a\"b\\"`, `12`, `-1.5e3`, `true`, `null`, `{"k":"}"}`, `["]",[1]]`, `""`, `"abcdefghijklmnop"`}
	for _, name := range names {
		for _, fill := range fillers {
			for _, escaped := range []bool{false, true} {
				key := name
				if escaped {
					key = `\u0061` + name[1:] // the same name, its first byte escaped
				}
				for _, line := range []string{
					fmt.Sprintf(`{"%s":"hit"}`, key),
					fmt.Sprintf(`{"zz":%s,"%s":"hit","%sx":"miss"}`, fill, key, name),
					fmt.Sprintf(`{"%sx":"miss","%s":["miss","hit"],"q":%s}`, name, key, fill),
					fmt.Sprintf(`{ "%s" : "hit" , "y" : %s }`, key, fill),
				} {
					if !json.Valid([]byte(line)) {
						t.Fatalf("test line %s is not JSON", line)
					}
					if !matches(t, in(name, "hit"), line) {
						t.Errorf("%s: field %q not found", line, name)
					}
					if matches(t, in(name+"x", "hit"), line) || matches(t, in(name[:len(name)-1], "hit"), line) {
						t.Errorf("%s: a neighbouring name matched", line)
					}
				}
			}
		}
	}
	// A dotted key reaches the same field as nested objects do.
	if !matches(t, in("ab.cd.ef", "hit"), `{"ab":{"cd.ef":"hit"}}`) || !matches(t, in("ab.cd.ef", "hit"), `{"ab.cd":{"ef":"hit"}}`) {
		t.Error("dotted keys were not followed")
	}
	if matches(t, in("ab.cd", "hit"), `{"ab.cdx":"hit","abx.cd":"hit"}`) {
		t.Error("a dotted key matched a longer name")
	}
	// Keys that end near the end of the line take the slow path.
	for n := 1; n < 12; n++ {
		name := strings.Repeat("k", n)
		if !matches(t, in(name, "1"), `{"`+name+`":"1"}`) {
			t.Errorf("short line, key %q: not found", name)
		}
	}
}

// FuzzDecodeAgreesWithJSON: on every line that encoding/json accepts, the
// extractor finds exactly the values that a plain walk of encoding/json's
// tokens finds for each referenced path (dotted keys and nesting alike,
// arrays flattened, null dropped), in document order.
func FuzzDecodeAgreesWithJSON(f *testing.F) {
	for _, s := range []string{
		`{"a":"x","b":{"c":["y",1,true,null]},"a.b":"z"}`,
		`{"ab":{"cd":"\u00e9\"","cd.e":[{"f":"1"},{"f":2}]},"long_key_name_here":"v"}`,
		`{"a":{"b":{"c":"deep"}},"x":[{"}":"]"}],"abcdefgh":"8","abcdefghi":9}`,
		`{ "a" : [ "s p" , -1.5e3 ] , "b" : { } , "c" : [ ] }`,
		`{"x":1,"":"root","e":{"":{"f":"y"},"g":2}}`,  // empty names
		`{"a":true,"abcdefgh":false,"b":{"c":true }}`, // literals for fields
	} {
		f.Add([]byte(s))
	}
	paths := []string{"a", "a.b", "b.c", "ab.cd", "ab.cd.e.f", "abcdefgh", "abcdefghi", "long_key_name_here", "a.b.c", "", "e..f"}
	x := extractor{root: buildTrie(paths), tsSlot: -1}
	portable := extractor{root: x.root, tsSlot: -1, portable: true}
	f.Fuzz(func(t *testing.T, line []byte) {
		want, ok := refExtract(line, paths)
		if !ok {
			return // not a JSON object: only FuzzProcess's no-panic rule applies
		}
		// Twice with one event: the second decode finds room in the
		// values' slices, which the first had to grow (the decoder
		// takes some values on a path of its own only when it need
		// not grow them). The third takes skipKeys' Go steps where
		// passMembers is there.
		ev := newEvent(len(paths), 0)
		for pass, x := range []extractor{x, x, portable} {
			if err := x.decode(ev, line); err != nil {
				t.Fatalf("%s: pass %d: decode failed on valid JSON: %v", line, pass+1, err)
			}
			for s, p := range paths {
				var got []string
				for _, v := range ev.values(s) {
					switch v.k {
					case kBool:
						got = append(got, fmt.Sprint(v.b))
					default:
						got = append(got, string(v.s))
					}
				}
				if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want[p]) {
					t.Fatalf("%s: pass %d: field %s: got %q, want %q", line, pass+1, p, got, want[p])
				}
			}
		}
	})
}

// refExtract walks line with encoding/json's tokenizer: the reference for
// what the extractor must find.
func refExtract(line []byte, paths []string) (map[string][]string, bool) {
	if !json.Valid(line) || !utf8.Valid(line) {
		// encoding/json replaces invalid UTF-8 with U+FFFD; the extractor
		// keeps the bytes as they are.
		return nil, false
	}
	wanted := map[string]bool{}
	for _, p := range paths {
		wanted[p] = true
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	out := map[string][]string{}
	var walk func(path string, root bool) error
	walk = func(path string, root bool) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' {
				for dec.More() {
					k, err := dec.Token()
					if err != nil {
						return err
					}
					sub := k.(string)
					if !root {
						sub = path + "." + sub
					}
					if err := walk(sub, false); err != nil {
						return err
					}
				}
			} else {
				for dec.More() {
					if err := walk(path, root); err != nil {
						return err
					}
				}
			}
			_, err := dec.Token() // the closing delimiter
			return err
		case string:
			if wanted[path] {
				out[path] = append(out[path], v)
			}
		case json.Number:
			if wanted[path] {
				out[path] = append(out[path], string(v))
			}
		case bool:
			if wanted[path] {
				out[path] = append(out[path], fmt.Sprint(v))
			}
		}
		return nil
	}
	if len(bytes.TrimSpace(line)) == 0 || bytes.TrimSpace(line)[0] != '{' {
		return nil, false
	}
	if err := walk("", true); err != nil {
		return nil, false
	}
	return out, true
}

// TestTrieLookup: a node finds each child by its exact name, whatever its
// length (the first word, the last word and, past 16 bytes, the rest are
// compared), and no key that differs from a name in one byte; a node
// without children finds nothing.
func TestTrieLookup(t *testing.T) {
	var names []string
	for n := 1; n <= 40; n++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = 'a' + byte((i*7+n)%26)
		}
		names = append(names, string(b))
	}
	root := buildTrie(names)
	for _, name := range names {
		ch := root.child([]byte(name))
		if ch == nil || ch.name != name {
			t.Fatalf("%q: not found", name)
		}
		if ch.child([]byte(name)) != nil || ch.child(nil) != nil {
			t.Fatalf("%q: a node without children found a child", name)
		}
		for i := range len(name) {
			k := []byte(name)
			k[i] ^= 0x20
			if got := root.child(k); got != nil {
				t.Errorf("%q found %q", k, got.name)
			}
		}
	}
}

// TestDecodeRejectsBadFieldValues: a malformed value of a field that a
// rule reads is a syntax error, whichever path of the decoder reads it
// (the second decode into one event finds room in the field's slice;
// skipKeys' Go steps and passMembers alike).
func TestDecodeRejectsBadFieldValues(t *testing.T) {
	for _, portable := range []bool{false, true} {
		x := extractor{root: buildTrie([]string{"a", "b.c"}), tsSlot: -1, portable: portable}
		ev := newEvent(2, 0)
		if err := x.decode(ev, []byte(`{"a":["v","w","x","y"],"b":{"c":"v"}}`)); err != nil {
			t.Fatal(err)
		}
		for _, line := range []string{
			`{"a":["x",]}`, `{"a":["x" "y"]}`, `{"a":["x",}`, `{"a":["x"}`, `{"a":["x"],}`,
			`{"a":"x" "y"}`, `{"a":"x",}`, `{"b":{"c":["x",]}}`, `{"b":{"c":"x",}}`, `{"a":[,"x"]}`,
			`{"z":[{"y":1}}`, `{"z":{"y":[1,"a":"x"}`,
		} {
			for pass := 1; pass <= 2; pass++ {
				if err := x.decode(ev, []byte(line)); err == nil {
					t.Errorf("%s: portable %v, pass %d: decoded without an error", line, portable, pass)
				}
			}
		}
	}
}
