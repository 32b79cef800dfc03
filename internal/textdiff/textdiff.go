// Package textdiff renders a readable, line-level unified diff. It is used by
// `eqlx convert --check` and by every failing golden test, so that drift in CI
// and a failing test look alike.
package textdiff

import (
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// context is how many unchanged lines are shown around each change.
const context = 3

// Lines returns a unified diff from want to got, line by line ("-" lines are
// in want only, "+" lines in got only), with hunk headers and a few lines of
// context. It returns "" when the texts are equal.
//
// go-diff's own PatchToText is character-level and %-escapes newlines, which
// is unreadable for YAML and Go; so this works on whole lines.
func Lines(want, got string) string {
	if want == got {
		return ""
	}
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToChars(want, got)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)

	type line struct {
		mark byte
		text string
	}
	var all []line
	for _, d := range diffs {
		mark := map[diffmatchpatch.Operation]byte{
			diffmatchpatch.DiffDelete: '-', diffmatchpatch.DiffInsert: '+', diffmatchpatch.DiffEqual: ' ',
		}[d.Type]
		text := strings.TrimSuffix(d.Text, "\n")
		for _, l := range strings.Split(text, "\n") {
			all = append(all, line{mark, l})
		}
		if !strings.HasSuffix(d.Text, "\n") && d.Type != diffmatchpatch.DiffEqual {
			all = append(all, line{'\\', " No newline at end of file"})
		}
	}

	// Group the changed lines into hunks with context around them.
	var sb strings.Builder
	oldLine, newLine := 1, 1
	for i := 0; i < len(all); {
		if all[i].mark == ' ' {
			oldLine++
			newLine++
			i++
			continue
		}
		start := max(0, i-context)
		end := i
		for end < len(all) {
			if all[end].mark != ' ' {
				end++
				continue
			}
			run := end
			for run < len(all) && all[run].mark == ' ' {
				run++
			}
			if run-end > 2*context || run == len(all) {
				end = min(end+context, len(all))
				break
			}
			end = run
		}
		back := i - start
		oStart, nStart := oldLine-back, newLine-back
		oCount, nCount := 0, 0
		for _, l := range all[start:end] {
			switch l.mark {
			case ' ':
				oCount++
				nCount++
			case '-':
				oCount++
			case '+':
				nCount++
			}
		}
		fmt.Fprintf(&sb, "@@ -%d,%d +%d,%d @@\n", oStart, oCount, nStart, nCount)
		for _, l := range all[start:end] {
			sb.WriteByte(l.mark)
			sb.WriteString(l.text)
			sb.WriteByte('\n')
		}
		oldLine, newLine = oStart+oCount, nStart+nCount
		i = end
	}
	return sb.String()
}
