package sigmatest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Schemas validates documents against the Sigma JSON schemas.
type Schemas struct {
	rule, correlation *jsonschema.Schema
}

// LoadSchemas compiles the detection-rule and correlation-rule schemas in
// dir (../shared/sigma-schema), with format assertions on (so `id` must be
// a UUID).
func LoadSchemas(dir string) (*Schemas, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	load := func(name string) (*jsonschema.Schema, error) {
		p, err := filepath.Abs(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			return nil, err
		}
		if m, ok := doc.(map[string]any); ok {
			// "…/schema#" is the 2020-12 meta-schema with an empty fragment.
			if s, ok := m["$schema"].(string); ok {
				m["$schema"] = strings.TrimSuffix(s, "#")
			}
		}
		url := "file://" + filepath.ToSlash(p)
		if err := c.AddResource(url, doc); err != nil {
			return nil, err
		}
		return c.Compile(url)
	}
	var s Schemas
	var err error
	if s.rule, err = load("sigma-detection-rule-schema.json"); err != nil {
		return nil, err
	}
	if s.correlation, err = load("sigma-correlation-rules-schema.json"); err != nil {
		return nil, err
	}
	return &s, nil
}

// Validate checks one document with the schema its kind calls for.
func (s *Schemas) Validate(d Doc) error {
	// Round-trip through JSON so numbers and maps have the types the
	// validator expects.
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(string(b)))
	if err != nil {
		return err
	}
	if _, ok := d["correlation"]; ok {
		return s.correlation.Validate(v)
	}
	return s.rule.Validate(v)
}

// keyOrder is SigmaHQ's key order (sigmahq-rule-convention.md), with the
// spec's name/taxonomy/correlation keys placed where eqlx writes them.
var keyOrder = []string{"title", "id", "related", "name", "taxonomy", "status", "description", "references",
	"author", "date", "modified", "tags", "logsource", "detection", "correlation", "falsepositives", "level"}

var smallWords = map[string]bool{"a": true, "an": true, "and": true, "as": true, "at": true, "by": true, "for": true,
	"from": true, "in": true, "new": true, "of": true, "on": true, "or": true, "over": true, "the": true,
	"through": true, "to": true, "via": true, "with": true, "without": true}

var (
	fileNameRe = regexp.MustCompile(`^[a-z0-9_]{10,90}\.yml$`)
	tagRe      = regexp.MustCompile(`^[a-z0-9_-]+\.[a-z0-9._-]+$`)
	identRe    = regexp.MustCompile(`^[a-z0-9_]+$`)
	digitsRe   = regexp.MustCompile(`^[0-9]+$`)
)

// Conventions lists the SigmaHQ convention problems of one emitted file
// (../shared/notes/sigma-research.md §3; each problem starts with the
// validator's name). prefixes maps "product_category_service" to the
// SigmaHQ file-name prefix (sigmahq_filename.json).
func Conventions(file string, data []byte, prefixes map[string]string) []string {
	var out []string
	bad := func(check, format string, args ...any) {
		out = append(out, check+": "+fmt.Sprintf(format, args...))
	}
	text := string(data)
	// yamllint (SigmaHQ's .yamllint, strict).
	if strings.HasPrefix(text, "---") {
		bad("yamllint", "leading document marker")
	}
	if !strings.HasSuffix(text, "\n") || strings.HasSuffix(text, "\n\n") {
		bad("yamllint", "file must end with exactly one newline")
	}
	itemKeys := -1 // indentation of the keys of the map in the last "- key:" item
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if strings.TrimRight(line, " \t") != line {
			bad("yamllint", "line %d: trailing spaces", i+1)
		}
		if strings.Contains(line, "\t") {
			bad("yamllint", "line %d: tab", i+1)
		}
		ind := len(line) - len(strings.TrimLeft(line, " "))
		if ind%4 != 0 && ind != itemKeys && !strings.HasPrefix(strings.TrimLeft(line, " "), "- ") {
			bad("yamllint", "line %d: indentation %d is not a multiple of 4", i+1, ind)
		}
		if rest := strings.TrimLeft(line, " "); strings.HasPrefix(rest, "- ") && strings.Contains(rest, ": ") {
			itemKeys = ind + 2
		} else if ind < itemKeys {
			itemKeys = -1
		}
	}
	if strings.Contains(strings.ToUpper(text), "ATT&CK") {
		bad("test_rules", "the text ATT&CK must not appear")
	}
	if !fileNameRe.MatchString(file) || !strings.Contains(strings.TrimSuffix(file, ".yml"), "_") {
		bad("test_file_names", "file name %q", file)
	}
	docs, err := ReadDocs(data)
	if err != nil {
		bad("yaml", "%v", err)
		return out
	}
	combined := len(docs) > 1
	for di, d := range docs {
		where := func(s string) string { return fmt.Sprintf("doc %d: %s", di+1, s) }
		_, isCorr := d["correlation"]
		// Key order and known keys.
		pos := -1
		for _, k := range orderedKeys(data, di) {
			i := slices.Index(keyOrder, k)
			if i < 0 {
				bad("sigmahq_unknown_field", "%s", where("key "+k))
				continue
			}
			if i < pos {
				bad("key_order", "%s", where("key "+k+" out of SigmaHQ order"))
			}
			pos = i
		}
		for _, k := range []string{"title", "id", "status", "description", "author", "date", "level", "falsepositives"} {
			if _, ok := d[k]; !ok {
				bad("sigmahq_"+k+"_existence", "%s", where("missing "+k))
			}
		}
		title, _ := d["title"].(string)
		if len(title) > 120 {
			bad("sigmahq_title_length", "%s", where("title longer than 120"))
		}
		if strings.HasPrefix(title, "Detect ") || strings.HasPrefix(title, "Detects ") {
			bad("sigmahq_title_start", "%s", where(title))
		}
		if strings.HasSuffix(title, ".") {
			bad("sigmahq_title_end", "%s", where(title))
		}
		for _, w := range strings.Fields(title) {
			r := []rune(w)
			// Python's str.islower(): has a cased letter, none upper case.
			lower := w == strings.ToLower(w) && strings.ToUpper(w) != w
			if lower && !smallWords[w] && !strings.ContainsAny(w, "./_") && !unicode.IsDigit(r[0]) {
				bad("sigmahq_title_case", "%s", where("word "+w))
			}
		}
		if desc, _ := d["description"].(string); len(desc) < 16 {
			bad("sigmahq_description_length", "%s", where("description too short"))
		}
		if mod, ok := d["modified"].(string); ok && mod == d["date"] {
			bad("sigmahq_date_modified_equal", "%s", where(mod))
		}
		seenTag := map[string]bool{}
		for _, t := range list(d["tags"]) {
			s, _ := t.(string)
			if !tagRe.MatchString(s) || seenTag[s] {
				bad("tag_format", "%s", where("tag "+s))
			}
			seenTag[s] = true
			if s == "attack.defense-evasion" {
				bad("attacktag", "%s", where("attack.defense-evasion is not an ATT&CK v19 tactic"))
			}
		}
		for _, r := range list(d["references"]) {
			if s, _ := r.(string); strings.Contains(s, "attack.mitre.org") {
				bad("sigmahq_references_attack", "%s", where(s))
			}
		}
		for _, f := range list(d["falsepositives"]) {
			s, _ := f.(string)
			r := []rune(s)
			if len(r) == 0 || unicode.IsLower(r[0]) {
				bad("sigmahq_falsepositives_capital", "%s", where(s))
			}
			for _, banned := range []string{"none", "pentest", "penetration"} {
				if strings.EqualFold(s, banned) {
					bad("sigmahq_falsepositives_banned_word", "%s", where(s))
				}
			}
		}
		if isCorr {
			c, _ := d["correlation"].(map[string]any)
			if len(list(c["rules"])) < 2 {
				bad("sigmahq_correlation_rules_minimum", "%s", where("temporal correlation needs two rules"))
			}
			if len(list(c["group-by"])) == 0 {
				bad("sigmahq_correlation_groupby", "%s", where("group-by missing"))
			}
			continue
		}
		if !combined {
			ls, _ := d["logsource"].(map[string]any)
			key := fmt.Sprintf("%s_%s_%s", orNone(ls["product"]), orNone(ls["category"]), orNone(ls["service"]))
			if p, ok := prefixes[key]; ok && !strings.HasPrefix(file, p) {
				bad("sigmahq_filename_prefix", "%s should start with %s", file, p)
			}
		}
		out = append(out, detectionProblems(d, where)...)
	}
	return out
}

func orNone(v any) string {
	if s, ok := v.(string); ok && s != "" {
		return s
	}
	return "none"
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

// orderedKeys returns the top-level keys of document di in file order
// (maps lose their order once decoded).
func orderedKeys(data []byte, di int) []string {
	var keys []string
	doc := 0
	for _, line := range strings.Split(string(data), "\n") {
		if line == "---" {
			doc++
			continue
		}
		if doc != di || line == "" || line[0] == ' ' || line[0] == '#' || line[0] == '-' {
			continue
		}
		if i := strings.IndexByte(line, ':'); i > 0 {
			keys = append(keys, line[:i])
		}
	}
	return keys
}

// detectionProblems checks the detection section (pySigma core and SigmaHQ
// validators: dangling identifiers, names, single-element lists, all,
// wildcards, numbers as strings, duplicates, escaped wildcards).
func detectionProblems(d Doc, where func(string) string) []string {
	var out []string
	bad := func(check, s string) { out = append(out, check+": "+where(s)) }
	det, _ := d["detection"].(map[string]any)
	cond, _ := det["condition"].(string)
	var names []string
	for name := range det {
		if name != "condition" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	e, err := parseCondition(cond, names)
	if err != nil {
		bad("condition", err.Error())
		return out
	}
	used := map[string]bool{}
	collectNames(e, used)
	for _, n := range names {
		if !used[n] {
			bad("dangling_detection", n)
		}
		if !identRe.MatchString(n) {
			bad("identifier_name", n)
		}
	}
	for _, tok := range strings.Fields(strings.NewReplacer("(", " ", ")", " ").Replace(cond)) {
		if strings.HasSuffix(tok, "*") && !strings.HasSuffix(tok, "_*") {
			bad("sigmahq_missing_asterisk_condition", tok)
		}
	}
	if strings.Contains(cond, "all of them") {
		bad("all_of_them_condition", cond)
	}
	for _, name := range names {
		var maps []map[string]any
		switch v := det[name].(type) {
		case map[string]any:
			maps = append(maps, v)
		case []any:
			for _, x := range v {
				if m, ok := x.(map[string]any); ok {
					maps = append(maps, m)
				}
			}
		}
		for _, m := range maps {
			for key, v := range m {
				mods := strings.Split(key, "|")[1:]
				has := func(s string) bool { return slices.Contains(mods, s) }
				vals := []any{v}
				if l, ok := v.([]any); ok {
					vals = l
					if len(l) == 1 {
						bad("test_selection_list_one_value", name+"."+key)
					}
				}
				if has("all") && (!has("contains") || len(vals) < 2) {
					bad("all_without_contains_modifier", name+"."+key)
				}
				seen := map[string]bool{}
				for _, x := range vals {
					s, ok := x.(string)
					if !ok {
						continue
					}
					k := s
					if !has("cased") && !has("re") {
						k = strings.ToLower(s)
					}
					if seen[k] {
						bad("sigmahq_field_duplicate_value", name+"."+key+": "+s)
					}
					seen[k] = true
					if has("re") {
						continue
					}
					if strings.Contains(s, "**") {
						bad("double_wildcard", s)
					}
					plainValue := !has("contains") && !has("startswith") && !has("endswith")
					if plainValue && digitsRe.MatchString(s) {
						bad("number_as_string", s)
					}
					if len(s) > 1 && (strings.HasPrefix(s, "*") || (strings.HasSuffix(s, "*") && !strings.HasSuffix(s, `\*`))) {
						bad("wildcards_instead_of_modifiers", name+"."+key+": "+s)
					}
					if escapedWildcard(s) {
						bad("escaped_wildcard", s)
					}
				}
			}
		}
	}
	return out
}

// escapedWildcard reports whether s holds `\*` or `\?` as an escape (a
// literal star or question mark); `\\*` is a backslash and a wildcard.
func escapedWildcard(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '\\' {
			continue
		}
		if s[i+1] == '*' || s[i+1] == '?' {
			return true
		}
		if s[i+1] == '\\' {
			i++
		}
	}
	return false
}

func collectNames(e expr, used map[string]bool) {
	switch e := e.(type) {
	case identE:
		used[string(e)] = true
	case notE:
		collectNames(e.x, used)
	case andE:
		collectNames(e.l, used)
		collectNames(e.r, used)
	case orE:
		collectNames(e.l, used)
		collectNames(e.r, used)
	case ofE:
		for _, n := range e.names {
			used[n] = true
		}
	}
}

// Taxonomy holds SigmaHQ's allowed field names per logsource
// (sigmahq_taxonomy.json) and file-name prefixes (sigmahq_filename.json).
type Taxonomy struct {
	Fields   map[string][]string // "product_category_service" -> names
	Prefixes map[string]string
}

// LoadTaxonomy reads the two SigmaHQ tables from dir (../shared/sigma-schema/sigmahq).
func LoadTaxonomy(dir string) (*Taxonomy, error) {
	var tax struct {
		Taxonomy map[string]struct {
			Field struct {
				Native []string `json:"native"`
				Custom []string `json:"custom"`
			} `json:"field"`
		} `json:"taxonomy"`
	}
	var fn struct {
		Pattern map[string]struct {
			Prefix string `json:"prefix"`
		} `json:"pattern"`
	}
	for name, v := range map[string]any{"sigmahq_taxonomy.json": &tax, "sigmahq_filename.json": &fn} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, v); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	t := &Taxonomy{Fields: map[string][]string{}, Prefixes: map[string]string{}}
	for k, v := range tax.Taxonomy {
		t.Fields[k] = append(slices.Clone(v.Field.Native), v.Field.Custom...)
	}
	for k, v := range fn.Pattern {
		t.Prefixes[k] = v.Prefix
	}
	return t, nil
}

// UnknownFields lists the detection fields of d that SigmaHQ's taxonomy
// does not know for d's logsource (sigmahq_invalid_fieldname). known is
// false when the taxonomy has no field list for the logsource (SigmaHQ
// checks nothing then).
func (t *Taxonomy) UnknownFields(d Doc) (unknown []string, known bool) {
	ls, _ := d["logsource"].(map[string]any)
	key := fmt.Sprintf("%s_%s_%s", orNone(ls["product"]), orNone(ls["category"]), orNone(ls["service"]))
	allowed, known := t.Fields[key]
	if !known || len(allowed) == 0 {
		return nil, false
	}
	det, _ := d["detection"].(map[string]any)
	var out []string
	for name, v := range det {
		if name == "condition" {
			continue
		}
		var maps []map[string]any
		if m, ok := v.(map[string]any); ok {
			maps = append(maps, m)
		}
		for _, x := range list(v) {
			if m, ok := x.(map[string]any); ok {
				maps = append(maps, m)
			}
		}
		for _, m := range maps {
			for k := range m {
				f := strings.Split(k, "|")[0]
				if !slices.Contains(allowed, f) && !slices.Contains(out, f) {
					out = append(out, f)
				}
			}
		}
	}
	slices.Sort(out)
	return out, true
}
