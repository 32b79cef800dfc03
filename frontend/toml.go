package frontend

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/BurntSushi/toml"

	"github.com/eqlx/eqlx/ir"
)

// tomlRule is a detection-rules TOML file: [metadata] and [rule].
type tomlRule struct {
	Metadata struct {
		CreationDate string     `toml:"creation_date"`
		UpdatedDate  string     `toml:"updated_date"`
		Maturity     string     `toml:"maturity"`
		Integration  stringList `toml:"integration"`
	} `toml:"metadata"`
	Rule *ruleDoc `toml:"rule"`
}

// loadTOML reads one detection-rules TOML file, which holds one rule.
func loadTOML(name string, data []byte) unit {
	meta := ir.Meta{File: name}
	doc, err := decodeTOML(data)
	if err != nil {
		return failUnit(meta, pointSpan(tomlErrPos(name, data, err)), CodeTOML, "%s", tomlErrMsg(err))
	}
	if doc.Rule == nil {
		return failUnit(meta, pointSpan(ir.Pos{File: name, Line: 1, Col: 1}), CodeNotARule,
			"no [rule] table: not a detection-rules TOML file")
	}
	r := doc.Rule
	meta = r.meta(name)
	meta.CreationDate = doc.Metadata.CreationDate
	meta.UpdatedDate = doc.Metadata.UpdatedDate
	meta.Maturity = doc.Metadata.Maturity
	meta.Integration = doc.Metadata.Integration
	if !r.isEQL() {
		return unit{meta: meta, skip: true}
	}
	if miss := r.missing(); len(miss) > 0 {
		return failUnit(meta, pointSpan(tableLine(name, data, "rule")), CodeMissingField,
			"the [rule] table has no %s", joinMissing(miss))
	}
	loc := tomlQueryLoc(name, data, r.Query)
	meta.QueryPos = loc.base
	return unit{meta: meta, query: r.Query, loc: loc}
}

// decodeTOML decodes a rule file by the fastest safe way (see tomlskim.go):
// fastTOML, else the library on the statements the loader reads, else the
// library on the whole file, which also reports every error, so that errors
// always carry the complete file's positions.
func decodeTOML(data []byte) (tomlRule, error) {
	if doc, ok := fastTOML(data); ok {
		return doc, nil
	}
	if skim, ok := skimTOML(data); ok {
		var doc tomlRule
		if _, err := toml.Decode(string(skim), &doc); err == nil {
			return doc, nil
		}
	}
	var doc tomlRule
	_, err := toml.Decode(string(data), &doc)
	return doc, err
}

// tomlErrMsg is the TOML library's message without its "toml: line N" prefix,
// which the position already says.
func tomlErrMsg(err error) string {
	var perr toml.ParseError
	if errors.As(err, &perr) {
		msg := "invalid TOML: " + perr.Message
		if perr.LastKey != "" {
			msg += " (after key " + strconv.Quote(perr.LastKey) + ")"
		}
		return msg
	}
	msg := tomlLinePrefix.ReplaceAllString(err.Error(), "")
	if m := tomlTypeErr.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("invalid rule: %s is a TOML %s, expected %s", m[1], m[2], m[3])
	}
	return "invalid rule: " + msg
}

// tomlTypeErr matches the library's wording of a value of the wrong type.
var tomlTypeErr = regexp.MustCompile(`^\(last key "([^"]+)"\): incompatible types: TOML value has type ([\w-]+); destination has type ([\w.\[\]-]+)`)

// tomlLinePrefix matches the "toml: line 12 (last key ...): " prefix of the
// library's type errors, which carry no column.
var tomlLinePrefix = regexp.MustCompile(`^toml: (line (\d+) )?`)

// tomlErrPos is where a TOML error is. Syntax errors carry a byte offset;
// type errors carry only a line number.
func tomlErrPos(name string, data []byte, err error) ir.Pos {
	var perr toml.ParseError
	if errors.As(err, &perr) {
		p := perr.Position
		if p.Start > 0 || p.Line <= 1 {
			if pos := posAt(name, data, p.Start); pos.Line == p.Line || p.Line == 0 {
				return pos
			}
		}
		return lineStart(name, data, p.Line)
	}
	if m := tomlLinePrefix.FindStringSubmatch(err.Error()); m != nil && m[2] != "" {
		n, _ := strconv.Atoi(m[2])
		return lineStart(name, data, n)
	}
	return ir.Pos{File: name, Line: 1, Col: 1}
}

// lineStart is the position of the first character of line n (1-based).
func lineStart(name string, data []byte, n int) ir.Pos {
	off, line := 0, 1
	for off < len(data) && line < n {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			break
		}
		off += i + 1
		line++
	}
	return ir.Pos{File: name, Offset: off, Line: line, Col: 1}
}

// tableLine is where the [name] table header is, or line 1 if not found.
func tableLine(file string, data []byte, name string) ir.Pos {
	re := regexp.MustCompile(`(?m)^[ \t]*\[` + regexp.QuoteMeta(name) + `\]`)
	if loc := re.FindIndex(data); loc != nil {
		return posAt(file, data, loc[0])
	}
	return ir.Pos{File: file, Line: 1, Col: 1}
}

// queryKeys finds the `query = ` statements of data: for each, the offset
// of its line and of its value. (A regular expression doing the same took
// a sixth of the corpus benchmark.)
func queryKeys(data []byte) [][2]int {
	var out [][2]int
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte("query"))
		if j < 0 {
			return out
		}
		at := i + j
		i = at + len("query")
		line := at
		for line > 0 && (data[line-1] == ' ' || data[line-1] == '\t') {
			line--
		}
		if line > 0 && data[line-1] != '\n' {
			continue
		}
		k := skipBlanks(data, i)
		if k >= len(data) || data[k] != '=' {
			continue
		}
		out = append(out, [2]int{line, skipBlanks(data, k+1)})
	}
}

// tomlQueryLoc finds where the decoded query lies in the file.
//
// The TOML library keeps key positions to itself, so this looks for
// `query = ` lines in the raw bytes and takes the one whose value, read
// verbatim, is the decoded query followed by its closing delimiter. That holds
// for literal strings ('…', ”'…”': every corpus rule) and for basic strings
// without escapes. TOML drops a newline right after an opening ”' or """, so
// the query then starts at column 1 of the next line. When no candidate reads
// verbatim (a basic string with escapes), positions fall back to the key.
func tomlQueryLoc(name string, data []byte, query string) queryLoc {
	var keys []int // offsets of the `query` keys that hold a string
	for _, m := range queryKeys(data) {
		start, delim := m[1], ""
		for _, d := range []string{"'''", `"""`, "'", `"`} {
			if bytes.HasPrefix(data[start:], []byte(d)) {
				delim = d
				break
			}
		}
		if delim == "" {
			continue
		}
		keys = append(keys, m[0]+len(data[m[0]:m[1]])-len(bytes.TrimLeft(data[m[0]:m[1]], " \t")))
		start += len(delim)
		if len(delim) == 3 {
			switch {
			case bytes.HasPrefix(data[start:], []byte("\n")):
				start++
			case bytes.HasPrefix(data[start:], []byte("\r\n")):
				start += 2
			}
		}
		rest := data[start:]
		if bytes.HasPrefix(rest, []byte(query)) && bytes.HasPrefix(rest[len(query):], []byte(delim)) {
			return queryLoc{base: posAt(name, data, start)}
		}
	}
	// No verbatim match: blame the key in [rule], else the first key, else
	// the [rule] header.
	if len(keys) == 0 {
		return queryLoc{base: tableLine(name, data, "rule"), keyOnly: true}
	}
	key := keys[0]
	for _, k := range keys {
		if inRuleTable(data, k) {
			key = k
			break
		}
	}
	return queryLoc{base: posAt(name, data, key), keyOnly: true}
}

// inRuleTable reports whether the line at off follows a [rule] header more
// closely than any other table header. It is a heuristic (a multi-line
// string may hold a line that looks like a header) used only to choose which
// `query =` key to blame when no query reads verbatim.
func inRuleTable(data []byte, off int) bool {
	last := ""
	for _, m := range tableHeader.FindAllSubmatchIndex(data[:off], -1) {
		last = string(data[m[2]:m[3]])
	}
	return last == "rule"
}

// tableHeader matches a [table] or [[array.of.tables]] header line.
var tableHeader = regexp.MustCompile(`(?m)^[ \t]*\[\[?[ \t]*([A-Za-z0-9_.\-]+)[ \t]*\]\]?[ \t]*(#.*)?\r?$`)
