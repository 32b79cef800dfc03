package sigmatest

import (
	"fmt"
	"math"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Event is a flat event: field name to value (a scalar or a []any).
type Event map[string]any

// Rule is a compiled Sigma detection rule.
type Rule struct {
	Title     string
	ID        string
	Name      string
	Category  string
	Product   string
	Service   string
	searches  map[string]search
	condition expr
}

// search is one search identifier: OR of maps (a single map is one
// alternative), or keywords.
type search struct {
	alts     [][]fieldItem
	keywords []matcher
	allKw    bool
}

// fieldItem is `field|mods: values`.
type fieldItem struct {
	field string
	all   bool
	exist *bool
	vals  []matcher
}

// matcher tests one event value (a scalar); null is handled by the item.
type matcher struct {
	null bool
	test func(v any) bool
}

// Compile reads a detection rule document.
func Compile(d Doc) (*Rule, error) {
	r := &Rule{searches: map[string]search{}}
	r.Title, _ = d["title"].(string)
	r.ID, _ = d["id"].(string)
	r.Name, _ = d["name"].(string)
	if ls, ok := d["logsource"].(map[string]any); ok {
		r.Category, _ = ls["category"].(string)
		r.Product, _ = ls["product"].(string)
		r.Service, _ = ls["service"].(string)
	}
	det, ok := d["detection"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("no detection")
	}
	for name, v := range det {
		if name == "condition" {
			continue
		}
		s, err := compileSearch(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		r.searches[name] = s
	}
	cs, ok := det["condition"].(string)
	if !ok {
		return nil, fmt.Errorf("condition must be a string")
	}
	var names []string
	for n := range r.searches {
		names = append(names, n)
	}
	slices.Sort(names)
	c, err := parseCondition(cs, names)
	if err != nil {
		return nil, fmt.Errorf("condition %q: %w", cs, err)
	}
	r.condition = c
	return r, nil
}

// Match reports whether the detection matches ev (the logsource is the
// caller's business).
func (r *Rule) Match(ev Event) bool {
	return r.condition.eval(func(name string) bool { return r.searches[name].match(ev) })
}

func compileSearch(v any) (search, error) {
	switch v := v.(type) {
	case map[string]any:
		items, err := compileMap(v)
		return search{alts: [][]fieldItem{items}}, err
	case []any:
		var s search
		for _, x := range v {
			switch x := x.(type) {
			case map[string]any:
				items, err := compileMap(x)
				if err != nil {
					return s, err
				}
				s.alts = append(s.alts, items)
			default:
				// A keyword is searched in the whole log message: anywhere
				// in any value.
				m, err := valueMatcher(x, []string{"contains"})
				if err != nil {
					return s, err
				}
				s.keywords = append(s.keywords, m)
			}
		}
		return s, nil
	}
	return search{}, fmt.Errorf("a search must be a map or a list, got %T", v)
}

func compileMap(m map[string]any) ([]fieldItem, error) {
	var items []fieldItem
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		parts := strings.Split(k, "|")
		it := fieldItem{field: parts[0]}
		mods := parts[1:]
		if slices.Contains(mods, "all") {
			it.all = true
		}
		if slices.Contains(mods, "exists") {
			b, ok := m[k].(bool)
			if !ok || len(mods) != 1 {
				return nil, fmt.Errorf("%s: exists takes true or false and no other modifier", k)
			}
			it.exist = &b
			items = append(items, it)
			continue
		}
		vals := []any{m[k]}
		if l, ok := m[k].([]any); ok {
			vals = l
		}
		if it.all && len(vals) < 2 {
			return nil, fmt.Errorf("%s: all needs at least two values", k)
		}
		for _, v := range vals {
			mt, err := valueMatcher(v, mods)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			it.vals = append(it.vals, mt)
		}
		items = append(items, it)
	}
	return items, nil
}

// valueMatcher compiles one value under the modifiers, in the order the
// specification gives them meaning.
func valueMatcher(v any, mods []string) (matcher, error) {
	has := func(m string) bool { return slices.Contains(mods, m) }
	for _, m := range mods {
		switch m {
		case "contains", "startswith", "endswith", "all", "cased", "re", "i", "m", "s", "cidr", "gt", "gte", "lt", "lte":
		default:
			return matcher{}, fmt.Errorf("modifier %q not supported by this evaluator", m)
		}
	}
	if v == nil {
		if len(mods) > 0 {
			return matcher{}, fmt.Errorf("null takes no modifier")
		}
		return matcher{null: true}, nil
	}
	for _, op := range []string{"gt", "gte", "lt", "lte"} {
		if has(op) {
			n, ok := toNumber(v)
			if !ok {
				return matcher{}, fmt.Errorf("%s needs a number, got %v", op, v)
			}
			return matcher{test: func(x any) bool {
				f, ok := toNumber(x)
				if !ok {
					return false
				}
				switch op {
				case "gt":
					return f > n
				case "gte":
					return f >= n
				case "lt":
					return f < n
				}
				return f <= n
			}}, nil
		}
	}
	if has("cidr") {
		s, _ := v.(string)
		if ip := net.ParseIP(s); ip != nil && !strings.Contains(s, "/") {
			s += map[bool]string{true: "/32", false: "/128"}[ip.To4() != nil] // pySigma reads an address as its /32 or /128
		}
		_, nw, err := net.ParseCIDR(s)
		if err != nil {
			return matcher{}, err
		}
		return matcher{test: func(x any) bool {
			xs, ok := x.(string)
			ip := net.ParseIP(xs)
			return ok && ip != nil && nw.Contains(ip)
		}}, nil
	}
	if has("re") {
		s, ok := v.(string)
		if !ok {
			return matcher{}, fmt.Errorf("re needs a string")
		}
		flags := ""
		for _, f := range []string{"i", "m", "s"} {
			if has(f) {
				flags += f
			}
		}
		if flags != "" {
			s = "(?" + flags + ")" + s
		}
		re, err := regexp.Compile(s)
		if err != nil {
			return matcher{}, err
		}
		return matcher{test: func(x any) bool {
			xs, ok := x.(string)
			return ok && re.MatchString(xs)
		}}, nil
	}
	switch v := v.(type) {
	case bool:
		return matcher{test: func(x any) bool { b, ok := x.(bool); return ok && b == v }}, nil
	case float64, int:
		n, _ := toNumber(v)
		return matcher{test: func(x any) bool {
			switch x.(type) {
			case string:
				f, err := strconv.ParseFloat(x.(string), 64)
				return err == nil && f == n
			}
			f, ok := toNumber(x)
			return ok && f == n
		}}, nil
	case string:
		re := wildcardRegexp(v, has("contains"), has("startswith"), has("endswith"), has("cased"))
		return matcher{test: func(x any) bool {
			switch x := x.(type) {
			case string:
				return re.MatchString(x)
			case float64:
				return re.MatchString(strconv.FormatFloat(x, 'f', -1, 64))
			case bool:
				return re.MatchString(strconv.FormatBool(x))
			}
			return false
		}}, nil
	}
	return matcher{}, fmt.Errorf("unsupported value %T", v)
}

// wildcardRegexp compiles a Sigma string (rules specification, "Escape
// Character": `\*` `\?` `\\` are literals, any other backslash is itself;
// `*` and `?` are wildcards) to an anchored regexp. Case-insensitive unless
// cased.
func wildcardRegexp(s string, contains, starts, ends, cased bool) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^(?s)")
	if !cased {
		b.WriteString("(?i)")
	}
	if contains || ends {
		b.WriteString(".*")
	}
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\\' && i+1 < len(rs) && (rs[i+1] == '*' || rs[i+1] == '?' || rs[i+1] == '\\'):
			b.WriteString(regexp.QuoteMeta(string(rs[i+1])))
			i++
		case r == '*':
			b.WriteString(".*")
		case r == '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	if contains || starts {
		b.WriteString(".*")
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

func toNumber(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, !math.IsNaN(v)
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	}
	return 0, false
}

// values returns the scalars of a field: nil when absent, null or empty.
func values(ev Event, field string) []any {
	v, ok := ev[field]
	if !ok || v == nil {
		return nil
	}
	if l, ok := v.([]any); ok {
		var out []any
		for _, x := range l {
			if x != nil {
				out = append(out, x)
			}
		}
		return out
	}
	return []any{v}
}

func (it fieldItem) match(ev Event) bool {
	if it.exist != nil {
		_, present := ev[it.field]
		return present == *it.exist
	}
	vs := values(ev, it.field)
	one := func(m matcher) bool {
		if m.null {
			return len(vs) == 0
		}
		return slices.ContainsFunc(vs, m.test)
	}
	if it.all {
		for _, m := range it.vals {
			if !one(m) {
				return false
			}
		}
		return true
	}
	return slices.ContainsFunc(it.vals, one)
}

func (s search) match(ev Event) bool {
	for _, alt := range s.alts {
		ok := true
		for _, it := range alt {
			if !it.match(ev) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	for _, k := range s.keywords {
		for _, v := range ev {
			if l, ok := v.([]any); ok {
				if slices.ContainsFunc(l, k.test) {
					return true
				}
			} else if v != nil && k.test(v) {
				return true
			}
		}
	}
	return false
}
