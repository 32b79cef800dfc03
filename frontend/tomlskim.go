package frontend

import (
	"bytes"
	"strings"
)

// Why this file exists: the TOML library lexes every byte of a file through a
// channel, one item at a time, and detection-rules files are mostly text eqlx
// does not read (the investigation guide in rule.note, rule.setup, Osquery
// and investigation transforms). Decoding the corpus that way cost more than
// parsing all of its queries. So the loader first splits a file into
// statements itself (scanStatements) and decodes the plain subset of TOML
// that detection-rules files use (fastTOML); a file outside that subset has
// only the statements the loader needs decoded by the library (skimTOML); a
// file that is not plain enough even for that, and every error, goes to the
// library whole, so that positions and messages always come from the
// complete file. Tests check that the three agree on every corpus rule and
// fuzz the first two against the library.
//
// What the fast paths do not do: report TOML errors inside statements the
// loader does not read (an invalid escape in rule.note, a duplicate key in a
// transform) when the file's structure is otherwise sound.

// wantedKeys are the keys of each table that the loader decodes (tomlRule,
// ruleDoc, threatDoc, techniqueDoc); other keys and tables are dropped.
var wantedKeys = map[string]map[string]bool{
	"metadata": {"creation_date": true, "updated_date": true, "maturity": true, "integration": true},
	"rule": {
		"name": true, "rule_id": true, "description": true, "severity": true, "risk_score": true,
		"tags": true, "references": true, "false_positives": true, "author": true, "license": true,
		"index": true, "language": true, "type": true, "version": true, "query": true,
		"event_category_override": true, "threat": true,
	},
	"rule.threat":                        {"framework": true, "tactic": true, "technique": true},
	"rule.threat.tactic":                 {"id": true, "name": true, "reference": true},
	"rule.threat.technique":              {"id": true, "name": true, "reference": true, "subtechnique": true},
	"rule.threat.technique.subtechnique": {"id": true, "name": true, "reference": true, "subtechnique": true},
}

// keptTable reports whether the loader reads table name.
func keptTable(name string) bool {
	return name == "metadata" || name == "rule" || name == "rule.threat" || strings.HasPrefix(name, "rule.threat.")
}

// statement is one header or key/value line (group) of a TOML file.
type statement struct {
	start, end int    // the statement's bytes, without the line break
	table      string // the table it is in, or (header) opens
	header     bool
	arrayTable bool   // a [[header]]
	key        string // key/value: the key as written (bare, maybe dotted)
	value      []byte // key/value: the value's bytes
}

// scanStatements calls fn for every header and key/value statement of data,
// in order. It returns false when data is not plain TOML: quoted keys or
// headers, two statements on a line, an unterminated string or bracket.
func scanStatements(data []byte, fn func(statement) bool) bool {
	table := ""
	for i := 0; i < len(data); {
		start := i
		i = skipBlanks(data, i)
		if i >= len(data) {
			return true
		}
		switch c := data[i]; {
		case c == '\n' || c == '\r':
			if i = skipNewline(data, i); i < 0 {
				return false
			}
			continue
		case c == '#':
			i = lineEnd(data, i)
			continue
		case c == '[':
			end := lineEnd(data, i)
			name, array, ok := headerName(data[i:end])
			if !ok {
				return false
			}
			table = name
			if !fn(statement{start: start, end: end, table: table, header: true, arrayTable: array}) {
				return false
			}
			i = end
			continue
		}
		key, next, ok := keyHead(data, i)
		if !ok {
			return false
		}
		vend, ok := skipValue(data, next)
		if !ok {
			return false
		}
		end := skipBlanks(data, vend)
		if end < len(data) && data[end] == '#' {
			end = lineEnd(data, end)
		}
		if end < len(data) && data[end] != '\n' && data[end] != '\r' {
			return false
		}
		if !fn(statement{start: start, end: end, table: table, key: key, value: data[next:vend]}) {
			return false
		}
		i = end
	}
	return true
}

// skimTOML returns the statements of data that the loader reads, byte for
// byte and in order, or false when data is not plain enough to skim safely.
func skimTOML(data []byte) ([]byte, bool) {
	out := make([]byte, 0, len(data)/2)
	ok := scanStatements(data, func(st statement) bool {
		first, _, _ := strings.Cut(st.key, ".")
		switch {
		case st.header && keptTable(st.table):
		case st.header:
			return true
		case st.table == "" && (first == "rule" || first == "metadata"):
			return false // dotted keys that define the tables: too clever to skim
		case !keptTable(st.table):
			return true
		case !wantedKeys[st.table][first]:
			return true
		}
		out = append(out, data[st.start:st.end]...)
		out = append(out, '\n')
		return true
	})
	return out, ok
}

func skipBlanks(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t') {
		i++
	}
	return i
}

// skipNewline steps over "\n" or "\r\n"; -1 for a lone '\r'.
func skipNewline(data []byte, i int) int {
	if data[i] == '\r' {
		if i+1 < len(data) && data[i+1] == '\n' {
			return i + 2
		}
		return -1
	}
	return i + 1
}

// lineEnd is the offset of the line's '\n' (or "\r\n"), or len(data).
func lineEnd(data []byte, i int) int {
	j := bytes.IndexByte(data[i:], '\n')
	if j < 0 {
		return len(data)
	}
	if j > 0 && data[i+j-1] == '\r' {
		return i + j - 1
	}
	return i + j
}

// headerName reads "[a.b]" or "[[a.b]]" (with an optional comment) made of
// bare keys only.
func headerName(line []byte) (name string, array, ok bool) {
	if i := bytes.IndexByte(line, '#'); i >= 0 {
		line = line[:i]
	}
	line = bytes.TrimSpace(line)
	switch {
	case bytes.HasPrefix(line, []byte("[[")) && bytes.HasSuffix(line, []byte("]]")):
		line, array = line[2:len(line)-2], true
	case bytes.HasPrefix(line, []byte("[")) && bytes.HasSuffix(line, []byte("]")):
		line = line[1 : len(line)-1]
	default:
		return "", false, false
	}
	parts := bytes.Split(line, []byte("."))
	names := make([]string, len(parts))
	for i, part := range parts {
		part = bytes.TrimSpace(part)
		if !isBareKey(part) {
			return "", false, false
		}
		names[i] = string(part)
	}
	return strings.Join(names, "."), array, true
}

func isBareKey(b []byte) bool {
	for _, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return len(b) > 0
}

// keyHead reads a bare (maybe dotted) key and the '=' after it; next is
// where the value starts.
func keyHead(data []byte, i int) (key string, next int, ok bool) {
	j := i
	for j < len(data) && data[j] != '=' && data[j] != '\n' {
		j++
	}
	if j >= len(data) || data[j] != '=' {
		return "", 0, false
	}
	if k := bytes.TrimSpace(data[i:j]); isBareKey(k) {
		return string(k), skipBlanks(data, j+1), true // the common case: no dots
	}
	parts := bytes.Split(bytes.TrimSpace(data[i:j]), []byte("."))
	names := make([]string, len(parts))
	for k, p := range parts {
		p = bytes.TrimSpace(p)
		if !isBareKey(p) {
			return "", 0, false
		}
		names[k] = string(p)
	}
	return strings.Join(names, "."), skipBlanks(data, j+1), true
}

// skipValue returns the offset just past the TOML value at i.
func skipValue(data []byte, i int) (int, bool) {
	if i >= len(data) {
		return 0, false
	}
	switch data[i] {
	case '"', '\'':
		return skipString(data, i)
	case '[', '{':
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"', '\'':
				end, ok := skipString(data, i)
				if !ok {
					return 0, false
				}
				i = end
				continue
			case '#':
				i = lineEnd(data, i)
				continue
			case '[', '{':
				depth++
			case ']', '}':
				depth--
				if depth == 0 {
					return i + 1, true
				}
			}
			i++
		}
		return 0, false
	}
	// A number, boolean or date: up to a blank, a comment or the line's end.
	j := i
	for j < len(data) && data[j] != ' ' && data[j] != '\t' && data[j] != '#' && data[j] != '\n' && data[j] != '\r' {
		j++
	}
	return j, j > i
}

// skipString returns the offset just past the string that starts at i.
func skipString(data []byte, i int) (int, bool) {
	q := data[i]
	if bytes.HasPrefix(data[i:], []byte{q, q, q}) {
		j := i + 3
		for {
			if j > len(data) {
				return 0, false
			}
			k := bytes.IndexByte(data[j:], q)
			if q == '"' {
				if b := bytes.IndexByte(data[j:], '\\'); b >= 0 && (k < 0 || b < k) {
					j += b + 2 // an escape: the next byte is never a delimiter
					continue
				}
			}
			if k < 0 {
				return 0, false
			}
			j += k
			if bytes.HasPrefix(data[j:], []byte{q, q, q}) {
				j += 3
				// Up to two more quotes belong to the content ("""a""""").
				for n := 0; n < 2 && j < len(data) && data[j] == q; n++ {
					j++
				}
				return j, true
			}
			j++
		}
	}
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			if q == '"' {
				j++
			}
		case '\n':
			return 0, false
		case q:
			return j + 1, true
		}
	}
	return 0, false
}
