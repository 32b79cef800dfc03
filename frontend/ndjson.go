package frontend

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/eqlx/eqlx/ir"
)

// jsonValue is one JSON value of a file and where it starts.
type jsonValue struct {
	off int
	raw []byte
}

// loadNDJSON reads a Kibana rule export: one rule object per line, plus the
// export's summary line. A file that decodes as a whole (one pretty-printed
// rule, an array of rules, or clean NDJSON) is read value by value; one with
// a syntax error anywhere is read line by line, so that a bad line costs only
// its own rule.
func loadNDJSON(name string, data []byte) []unit {
	lines := newLineIndex(name, data)
	values, err := jsonValues(data)
	if err != nil {
		values = jsonLines(data)
		if len(values) > 0 && !json.Valid(values[0].raw) {
			// Not line-delimited (a pretty-printed object with an error):
			// one error for the file, not one per line.
			var syn *json.SyntaxError
			off := 0
			if errors.As(err, &syn) {
				off = max(0, int(syn.Offset)-1)
			}
			return []unit{failUnit(ir.Meta{File: name}, pointSpan(lines.pos(off)), CodeJSON, "%s", jsonErrMsg(err))}
		}
	}
	var out []unit
	for _, v := range values {
		if u, ok := loadJSONRule(lines, v); ok {
			out = append(out, u)
		}
	}
	return out
}

// jsonValues splits data into its top-level values; the elements of a
// top-level array count as values.
func jsonValues(data []byte) ([]jsonValue, error) {
	var out []jsonValue
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		end := int(dec.InputOffset())
		off := end - len(raw)
		if raw[0] != '[' {
			out = append(out, jsonValue{off: off, raw: raw})
			continue
		}
		elems, err := jsonArray(raw)
		if err != nil {
			return nil, err
		}
		for _, e := range elems {
			out = append(out, jsonValue{off: off + e.off, raw: e.raw})
		}
	}
}

// jsonArray splits a JSON array into its elements.
func jsonArray(raw []byte) ([]jsonValue, error) {
	var out []jsonValue
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // '['
		return nil, err
	}
	for dec.More() {
		var e json.RawMessage
		if err := dec.Decode(&e); err != nil {
			return nil, err
		}
		out = append(out, jsonValue{off: int(dec.InputOffset()) - len(e), raw: e})
	}
	return out, nil
}

// jsonLines splits data into its non-blank lines.
func jsonLines(data []byte) []jsonValue {
	var out []jsonValue
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data) - off
		}
		line := data[off : off+end]
		lead := len(line) - len(bytes.TrimLeft(line, " \t\r"))
		if trimmed := bytes.TrimSpace(line); len(trimmed) > 0 {
			out = append(out, jsonValue{off: off + lead, raw: trimmed})
		}
		off += end + 1
	}
	return out
}

// loadJSONRule reads one rule object. ok is false for the export's other
// lines (the summary, exception lists), which are not rules.
func loadJSONRule(lines *lineIndex, v jsonValue) (u unit, ok bool) {
	name := lines.file
	meta := ir.Meta{File: name}
	if len(v.raw) > 0 && v.raw[0] != '{' && json.Valid(v.raw) {
		return failUnit(meta, pointSpan(lines.pos(v.off)), CodeJSON, "expected a rule object, found %s", jsonKind(v.raw[0])), true
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(v.raw, &keys); err != nil {
		return failUnit(meta, pointSpan(lines.pos(v.off+jsonErrOffset(err))), CodeJSON, "%s", jsonErrMsg(err)), true
	}
	if _, isRule := keys["rule_id"]; !isRule {
		for _, k := range []string{"exported_count", "exported_rules_count", "list_id"} {
			if _, extra := keys[k]; extra {
				return unit{}, false
			}
		}
	}
	var doc ruleDoc
	if err := json.Unmarshal(v.raw, &doc); err != nil {
		return failUnit(meta, pointSpan(lines.pos(v.off+jsonErrOffset(err))), CodeJSON, "%s", jsonErrMsg(err)), true
	}
	meta = doc.meta(name)
	if !doc.isEQL() {
		return unit{meta: meta, skip: true}, true
	}
	if miss := doc.missing(); len(miss) > 0 {
		return failUnit(meta, pointSpan(lines.pos(v.off)), CodeMissingField, "the rule object has no %s", joinMissing(miss)), true
	}
	loc := jsonQueryLoc(lines, v, doc.Query)
	meta.QueryPos = loc.base
	return unit{meta: meta, query: doc.Query, loc: loc}, true
}

// jsonQueryLoc maps the query's bytes back to the file: it finds the raw
// "query" string among the object's top-level keys and unescapes it with an
// offset map. If that does not give back the decoded query (it always should),
// positions fall back to the object's start.
func jsonQueryLoc(lines *lineIndex, v jsonValue, query string) queryLoc {
	dec := json.NewDecoder(bytes.NewReader(v.raw))
	if _, err := dec.Token(); err == nil { // '{'
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				break
			}
			if key != "query" {
				var skip json.RawMessage
				if dec.Decode(&skip) != nil {
					break
				}
				continue
			}
			var raw json.RawMessage
			if dec.Decode(&raw) != nil {
				break
			}
			start := int(dec.InputOffset()) - len(raw)
			got, offs, ok := unquoteJSON(raw)
			if !ok || got != query {
				break
			}
			for i := range offs {
				offs[i] += v.off + start
			}
			return queryLoc{base: lines.pos(offs[0]), offsets: offs, lines: lines}
		}
	}
	return queryLoc{base: lines.pos(v.off), keyOnly: true}
}

// unquoteJSON decodes a JSON string literal (quotes included). offs[i] is
// the offset in raw of the character that produced byte i of the result;
// offs[len(s)] is the closing quote. ok is false for anything that is not a
// well-formed string literal.
func unquoteJSON(raw []byte) (s string, offs []int, ok bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", nil, false
	}
	buf := make([]byte, 0, len(raw))
	offs = make([]int, 0, len(raw))
	emit := func(at int, b ...byte) {
		for range b {
			offs = append(offs, at)
		}
		buf = append(buf, b...)
	}
	for i := 1; i < len(raw)-1; {
		c := raw[i]
		if c != '\\' {
			r, n := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && n == 1 {
				emit(i, []byte("\uFFFD")...) // as encoding/json does
			} else {
				emit(i, raw[i:i+n]...)
			}
			i += n
			continue
		}
		if i+1 >= len(raw)-1 {
			return "", nil, false
		}
		switch e := raw[i+1]; e {
		case '"', '\\', '/':
			emit(i, e)
		case 'b':
			emit(i, '\b')
		case 'f':
			emit(i, '\f')
		case 'n':
			emit(i, '\n')
		case 'r':
			emit(i, '\r')
		case 't':
			emit(i, '\t')
		case 'u':
			r, ok := hex4(raw, i+2)
			if !ok {
				return "", nil, false
			}
			n := 6
			if utf16.IsSurrogate(r) {
				r2, ok2 := hex4(raw, i+8)
				if ok2 && i+7 < len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u' {
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						r, n = dec, 12
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			emit(i, utf8.AppendRune(nil, r)...)
			i += n
			continue
		default:
			return "", nil, false
		}
		i += 2
	}
	offs = append(offs, len(raw)-1)
	return string(buf), offs, true
}

// hex4 reads the four hex digits at raw[i:].
func hex4(raw []byte, i int) (rune, bool) {
	if i+4 > len(raw) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(raw[i:i+4]), 16, 16)
	return rune(n), err == nil
}

// jsonErrOffset is the offset within the value where decoding failed.
func jsonErrOffset(err error) int {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return max(0, int(syn.Offset)-1)
	case errors.As(err, &typ):
		return max(0, int(typ.Offset)-1)
	}
	return 0
}

// jsonErrMsg words a JSON error for a rule author.
func jsonErrMsg(err error) string {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) && typ.Field != "" {
		return fmt.Sprintf("invalid rule: %s is a JSON %s, expected %s", typ.Field, typ.Value, typ.Type)
	}
	return "invalid JSON: " + err.Error()
}

// jsonKind names the kind of JSON value that starts with c.
func jsonKind(c byte) string {
	switch c {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}
