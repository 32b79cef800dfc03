package frontend

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// fastTOML decodes a detection-rules file without the TOML library when
// every statement the loader reads is plain: bare lower-case keys, strings
// (all four kinds, with the common escapes), decimal integers, arrays of
// strings, and the [metadata], [rule] and [[rule.threat...]] tables. ok is
// false for anything else (the library then decides, errors included).
func fastTOML(data []byte) (doc tomlRule, ok bool) {
	if !utf8.Valid(data) || hasControl(data) {
		return tomlRule{}, false
	}
	var (
		tables = map[string]bool{} // [tables] defined by a header
		keys   map[string]bool     // keys set in the current table
		tactic = map[int]bool{}    // threats whose [rule.threat.tactic] is defined
		fail   bool
	)
	rule := func() *ruleDoc {
		if doc.Rule == nil {
			doc.Rule = &ruleDoc{}
		}
		return doc.Rule
	}
	ok = scanStatements(data, func(st statement) bool {
		if st.header {
			if st.table != strings.ToLower(st.table) {
				return false
			}
			keys = map[string]bool{}
			switch st.table {
			case "metadata", "rule":
				if st.arrayTable || tables[st.table] {
					return false
				}
				tables[st.table] = true
				if st.table == "rule" {
					rule()
				}
			case "rule.threat":
				if !st.arrayTable {
					return false
				}
				r := rule()
				r.Threat = append(r.Threat, threatDoc{})
			case "rule.threat.tactic":
				n := len(rule().Threat)
				if st.arrayTable || n == 0 || tactic[n-1] {
					return false
				}
				tactic[n-1] = true
			case "rule.threat.technique":
				r := rule()
				if !st.arrayTable || len(r.Threat) == 0 {
					return false
				}
				th := &r.Threat[len(r.Threat)-1]
				th.Technique = append(th.Technique, techniqueDoc{})
			case "rule.threat.technique.subtechnique":
				r := rule()
				if !st.arrayTable || len(r.Threat) == 0 || len(r.Threat[len(r.Threat)-1].Technique) == 0 {
					return false
				}
				th := &r.Threat[len(r.Threat)-1]
				te := &th.Technique[len(th.Technique)-1]
				te.Subtechnique = append(te.Subtechnique, techniqueDoc{})
			default:
				if keptTable(st.table) || strings.HasPrefix(st.table, "metadata.") || strings.HasPrefix(st.table, "rule.") && isRuleField(st.table[len("rule."):]) {
					return false // a table the loader reads, in a shape it does not expect
				}
			}
			return true
		}
		first, _, dotted := strings.Cut(st.key, ".")
		if st.table == "" {
			return first != "rule" && first != "metadata"
		}
		if !keptTable(st.table) {
			return true
		}
		if dotted || st.key != strings.ToLower(st.key) || keys[st.key] {
			return false
		}
		keys[st.key] = true
		if !setField(&doc, st.table, st.key, st.value) {
			fail = true
			return false
		}
		return true
	})
	if !ok || fail {
		return tomlRule{}, false
	}
	return doc, true
}

// isRuleField reports whether [rule.<name>] would be a table the loader
// decodes (rule.threat is handled on its own).
func isRuleField(name string) bool {
	first, _, _ := strings.Cut(name, ".")
	return wantedKeys["rule"][first]
}

// setField decodes one key/value statement into doc; false when the value is
// not of the plain type the field expects.
func setField(doc *tomlRule, table, key string, v []byte) bool {
	switch table {
	case "metadata":
		m := &doc.Metadata
		switch key {
		case "creation_date":
			return tomlString(v, &m.CreationDate)
		case "updated_date":
			return tomlString(v, &m.UpdatedDate)
		case "maturity":
			return tomlString(v, &m.Maturity)
		case "integration":
			return tomlStringOrList(v, (*[]string)(&m.Integration))
		}
		return true
	case "rule":
		r := doc.Rule
		switch key {
		case "name":
			return tomlString(v, &r.Name)
		case "rule_id":
			return tomlString(v, &r.RuleID)
		case "description":
			return tomlString(v, &r.Description)
		case "severity":
			return tomlString(v, &r.Severity)
		case "risk_score":
			return tomlInt(v, &r.RiskScore)
		case "tags":
			return tomlStrings(v, &r.Tags)
		case "references":
			return tomlStrings(v, &r.References)
		case "false_positives":
			return tomlStrings(v, &r.FalsePositives)
		case "author":
			return tomlStringOrList(v, (*[]string)(&r.Author))
		case "license":
			return tomlString(v, &r.License)
		case "index":
			return tomlStrings(v, &r.Index)
		case "language":
			return tomlString(v, &r.Language)
		case "type":
			return tomlString(v, &r.Type)
		case "version":
			return tomlInt(v, &r.Version)
		case "query":
			return tomlString(v, &r.Query)
		case "event_category_override":
			return tomlString(v, &r.EventCategoryOverride)
		case "threat":
			return false // an inline array of tables
		}
		return true
	}
	r := doc.Rule
	th := &r.Threat[len(r.Threat)-1]
	var t *techniqueDoc
	switch table {
	case "rule.threat":
		switch key {
		case "framework":
			return tomlString(v, &th.Framework)
		case "tactic", "technique":
			return false
		}
		return true
	case "rule.threat.tactic":
		t = &th.Tactic
	case "rule.threat.technique":
		t = &th.Technique[len(th.Technique)-1]
	case "rule.threat.technique.subtechnique":
		te := &th.Technique[len(th.Technique)-1]
		t = &te.Subtechnique[len(te.Subtechnique)-1]
	default:
		return false
	}
	switch key {
	case "id":
		return tomlString(v, &t.ID)
	case "name":
		return tomlString(v, &t.Name)
	case "reference":
		return tomlString(v, &t.Reference)
	case "subtechnique":
		return false
	}
	return true
}

// tomlString decodes a whole value that is one string.
func tomlString(v []byte, dst *string) bool {
	s, n, ok := parseTOMLString(v)
	if !ok || n != len(v) {
		return false
	}
	*dst = s
	return true
}

// tomlInt decodes a plain decimal integer (underscores between digits).
func tomlInt(v []byte, dst *int) bool {
	s := string(v)
	digits := strings.TrimLeft(s, "+-")
	if len(s)-len(digits) > 1 || digits == "" || len(digits) > 1 && digits[0] == '0' ||
		strings.HasPrefix(digits, "_") || strings.HasSuffix(digits, "_") || strings.Contains(digits, "__") {
		return false
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, 64)
	if err != nil || int64(int(n)) != n {
		return false
	}
	*dst = int(n)
	return true
}

// tomlStringOrList decodes a string or an array of strings.
func tomlStringOrList(v []byte, dst *[]string) bool {
	if len(v) > 0 && v[0] == '[' {
		return tomlStrings(v, dst)
	}
	var s string
	if !tomlString(v, &s) {
		return false
	}
	*dst = []string{s}
	return true
}

// tomlStrings decodes an array of strings (multi-line, comments, trailing
// comma allowed).
func tomlStrings(v []byte, dst *[]string) bool {
	if len(v) < 2 || v[0] != '[' || v[len(v)-1] != ']' {
		return false
	}
	out := []string{}
	i := 1
	skip := func() {
		for i < len(v) {
			switch v[i] {
			case ' ', '\t', '\n':
				i++
			case '\r':
				if i+1 >= len(v) || v[i+1] != '\n' {
					return
				}
				i += 2
			case '#':
				for i < len(v) && v[i] != '\n' {
					i++
				}
			default:
				return
			}
		}
	}
	for {
		skip()
		if i >= len(v) {
			return false
		}
		if v[i] == ']' {
			break
		}
		s, n, ok := parseTOMLString(v[i:])
		if !ok {
			return false
		}
		out = append(out, s)
		i += n
		skip()
		if i < len(v) && v[i] == ',' {
			i++
			continue
		}
		skip()
		if i >= len(v) || v[i] != ']' {
			return false
		}
		break
	}
	if i != len(v)-1 {
		return false
	}
	*dst = out
	return true
}

// parseTOMLString decodes the string at the start of v and returns it and
// its length in v. ok is false for anything this fast path does not vouch
// for (control characters, rare escapes, CR in multi-line strings).
func parseTOMLString(v []byte) (s string, n int, ok bool) {
	if len(v) == 0 || (v[0] != '"' && v[0] != '\'') {
		return "", 0, false
	}
	end, ok := skipString(v, 0)
	if !ok {
		return "", 0, false
	}
	q := v[0]
	multi := end >= 6 && v[1] == q && v[2] == q
	var body []byte
	if multi {
		body = v[3 : end-3]
		if len(body) > 0 && body[0] == '\n' {
			body = body[1:]
		}
	} else {
		body = v[1 : end-1]
	}
	for _, c := range body {
		if c < 0x20 && c != '\t' && !(multi && c == '\n') || c == 0x7f || c == '\r' {
			return "", 0, false
		}
	}
	if q == '\'' || bytes.IndexByte(body, '\\') < 0 {
		return string(body), end, true
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(body) {
			return "", 0, false
		}
		switch body[i] {
		case 'b':
			b.WriteByte('\b')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'f':
			b.WriteByte('\f')
		case 'r':
			b.WriteByte('\r')
		case '"':
			b.WriteByte('"')
		case '\\':
			b.WriteByte('\\')
		case 'u', 'U':
			width := 4
			if body[i] == 'U' {
				width = 8
			}
			if i+1+width > len(body) {
				return "", 0, false
			}
			r, err := strconv.ParseUint(string(body[i+1:i+1+width]), 16, 32)
			if err != nil || !utf8.ValidRune(rune(r)) {
				return "", 0, false
			}
			b.WriteRune(rune(r))
			i += width
		case ' ', '\t', '\n':
			// A line-ending backslash in a multi-line string drops the
			// line break and the blanks around the next line's text.
			j := i
			for j < len(body) && (body[j] == ' ' || body[j] == '\t') {
				j++
			}
			if !multi || j >= len(body) || body[j] != '\n' {
				return "", 0, false
			}
			for j < len(body) && (body[j] == ' ' || body[j] == '\t' || body[j] == '\n') {
				j++
			}
			i = j - 1
		default:
			return "", 0, false
		}
	}
	return b.String(), end, true
}

// hasControl reports whether data holds a control character that TOML
// allows nowhere unescaped: everything below 0x20 but tab and line breaks,
// DEL, and a carriage return that does not start a CRLF.
func hasControl(data []byte) bool {
	for i, c := range data {
		if c >= 0x20 && c != 0x7f {
			continue // nearly every byte: one comparison
		}
		switch {
		case c == '\r':
			if i+1 >= len(data) || data[i+1] != '\n' {
				return true
			}
		case c < 0x20 && c != '\t' && c != '\n' || c == 0x7f:
			return true
		}
	}
	return false
}
