package falcotest

import "testing"

// FuzzParseCurrent: the parsers return an error or a tree for any input,
// never panic, and a portable condition is always a current one.
func FuzzParseCurrent(f *testing.F) {
	for _, c := range currentAccepted {
		f.Add(c)
	}
	for _, c := range currentRejected {
		f.Add(c.cond)
	}
	f.Fuzz(func(t *testing.T, cond string) {
		errCur := ParseCurrent(cond)
		if errCur == nil {
			if _, err := ParseCurrentTree(cond); err != nil {
				t.Fatalf("ParseCurrent and ParseCurrentTree disagree on %q", cond)
			}
		}
		if ParsePortable(cond) == nil && errCur != nil {
			t.Fatalf("%q is portable but not current: %v", cond, errCur)
		}
	})
}
