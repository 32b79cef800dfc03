package eql

import (
	"strings"
	"testing"

	"github.com/eqlx/eqlx/ir"
)

// parseOK parses src (the condition of `process where` unless src is a whole
// query) and fails the test on any diagnostic.
func parseOK(t *testing.T, src string) ir.Query {
	t.Helper()
	q, ds := Parse(src, Options{})
	if len(ds) > 0 {
		t.Fatalf("Parse(%q): %v", src, ds)
	}
	if q == nil {
		t.Fatalf("Parse(%q): nil query without diagnostics", src)
	}
	return q
}

// TestParseConditions pins the IR shape of every operator, function,
// literal form and field form, as the condition of `p where`.
func TestParseConditions(t *testing.T) {
	tests := []struct {
		name, cond, want string
	}{
		// Boolean structure and precedence.
		{"and", `a == 1 and b == 2`, `(and (in a 1) (in b 2))`},
		{"or", `a == 1 or b == 2`, `(or (in a 1) (in b 2))`},
		{"a chain of and is one And", `a == 1 and b == 2 and c == 3`, `(and (in a 1) (in b 2) (in c 3))`},
		{"and binds tighter than or", `a == 1 or b == 2 and c == 3`, `(or (in a 1) (and (in b 2) (in c 3)))`},
		{"parentheses group", `(a == 1 or b == 2) and c == 3`, `(and (or (in a 1) (in b 2)) (in c 3))`},
		{"nested parentheses stay nested", `a == 1 and (b == 2 and c == 3)`, `(and (in a 1) (and (in b 2) (in c 3)))`},
		{"not", `not a == 1`, `(not (in a 1))`},
		{"not binds looser than comparison", `not a < 1`, `(not (< a 1))`},
		{"not binds tighter than and", `not a == 1 and b == 2`, `(and (not (in a 1)) (in b 2))`},
		{"not not", `not not a == 1`, `(not (not (in a 1)))`},
		{"not of a group", `not (a == 1 or b == 2)`, `(not (or (in a 1) (in b 2)))`},

		// Equality.
		{"== string", `process.name == "nc"`, `(in process.name "nc")`},
		{"== with the constant first", `"nc" == process.name`, `(in process.name "nc")`},
		{"!= string", `process.name != "nc"`, `(not (in process.name "nc"))`},
		{"== number", `process.pid == 4`, `(in process.pid 4)`},
		{"== negative number", `x == -4`, `(in x -4)`},
		{"== float", `x == 1.5`, `(in x 1.5)`},
		{"== true", `x == true`, `(in x true)`},
		{"== false", `x == false`, `(in x false)`},
		{"== null", `x == null`, `(isnull x)`},
		{"null ==", `null == x`, `(isnull x)`},
		{"!= null", `x != null`, `(not (isnull x))`},
		{"== between two fields", `a == b`, `(== a b)`},
		{"!= between two calls", `length(a) != length(b)`, `(!= (length a) (length b))`},
		{"== between two constants", `1 == 1`, `(== 1 1)`},
		{"== on a call", `indexOf(string(host.ip), string(source.ip)) == null`, `(isnull (indexof (string host.ip) (string source.ip)))`},
		{"== on arithmetic", `a + 1 == 2`, `(in (+ a 1) 2)`},

		// Ordering.
		{"<", `a < 1`, `(< a 1)`},
		{"<=", `a <= 1`, `(<= a 1)`},
		{">", `a > 1`, `(> a 1)`},
		{">=", `a >= 1`, `(>= a 1)`},
		{"ordering keeps the written order", `1 < a`, `(< 1 a)`},
		{"ordering of arithmetic", `length(dll.path) - (length(dll.name) + 1) > 5`, `(> (- (length dll.path) (+ (length dll.name) 1)) 5)`},

		// Membership.
		{"in", `a in ("x", "y")`, `(in a "x" "y")`},
		{"in~", `a in~ ("x", "y")`, `(in~ a "x" "y")`},
		{"not in", `a not in ("x", "y")`, `(not (in a "x" "y"))`},
		{"not in~", `a not in~ ("x")`, `(not (in~ a "x"))`},
		{"in with one value", `a in ("x")`, `(in a "x")`},
		{"in with mixed constants", `a in ("x", 1, 2.5, true)`, `(in a "x" 1 2.5 true)`},
		{"in with a null member", `a in ("x", null)`, `(or (in a "x") (isnull a))`},
		{"in with only null", `a in (null)`, `(isnull a)`},
		{"not in with a null member", `a not in ("x", null)`, `(not (or (in a "x") (isnull a)))`},
		{"in with a negative number", `a in (-1, 2)`, `(in a -1 2)`},
		{"in on a call", `length(a) in (1, 2)`, `(in (length a) 1 2)`},
		{"in with comments inside", "a in (\"x\", /* c */ \"y\" // d\n)", `(in a "x" "y")`},

		// Pattern matching.
		{": one pattern", `a : "x*"`, `(wildcard~ a "x*")`},
		{": a list", `a : ("x*", "?y")`, `(wildcard~ a "x*" "?y")`},
		{": non-string constants", `a : (1, "x", true)`, `(or (wildcard~ a "x") (in~ a 1 true))`},
		{": only numbers", `a : 1`, `(in~ a 1)`},
		{": null", `a : (null, "x")`, `(or (wildcard~ a "x") (isnull a))`},
		{"like", `a like "x*"`, `(wildcard a "x*")`},
		{"like a list", `a like ("x*", "y")`, `(wildcard a "x*" "y")`},
		{"like~", `a like~ "x*"`, `(wildcard~ a "x*")`},
		{"regex", `a regex ".*x[0-9]{2}"`, `(regex a ".*x[0-9]{2}")`},
		{"regex~", `a regex~ ("a.*", "b")`, `(regex~ a "a.*" "b")`},
		{"regex with escaped and quoted parentheses", `a regex """\(x[(]"("y"""`, `(regex a "\\(x[(]\"(\"y")`},
		{"regex in a raw string", `a regex """.*"x\s+.*"""`, `(regex a ".*\"x\\s+.*")`},
		{"patterns keep backslashes", `a : "C:\\Windows\\*"`, `(wildcard~ a "C:\\Windows\\*")`},
		{"not like", `not a like "x"`, `(not (wildcard a "x"))`},
		{": on a call", `string(a) : "x"`, `(wildcard~ (string a) "x")`},

		// Functions, with case-insensitive names and ~ forms.
		{"add", `add(a, 1) == 2`, `(in (add a 1) 2)`},
		{"between", `between(a, "x", "y") == "z"`, `(in (between a "x" "y") "z")`},
		{"between with greedy", `between(a, "x", "y", true) == "z"`, `(in (between a "x" "y" true) "z")`},
		{"between~", `between~(a, "x", "y") == "z"`, `(in (between~ a "x" "y") "z")`},
		{"cidrMatch", `cidrMatch(a, "10.0.0.0/8")`, `(cidrmatch a "10.0.0.0/8")`},
		{"cidrmatch lower case, several ranges", `cidrmatch(a, "10.0.0.0/8", "::1/128")`, `(cidrmatch a "10.0.0.0/8" "::1/128")`},
		{"concat", `concat(a, "x", 1) == "y"`, `(in (concat a "x" 1) "y")`},
		{"concat of one", `concat(a) == "y"`, `(in (concat a) "y")`},
		{"divide", `divide(a, 2) == 1`, `(in (divide a 2) 1)`},
		{"endsWith", `endsWith(a, "x")`, `(endswith a "x")`},
		{"endswith~", `endswith~(a, "x")`, `(endswith~ a "x")`},
		{"endsWith~", `endsWith~(a, "x")`, `(endswith~ a "x")`},
		{"indexOf", `indexOf(a, "x") == 0`, `(in (indexof a "x") 0)`},
		{"indexOf with a start", `indexOf(a, "x", 2) == 3`, `(in (indexof a "x" 2) 3)`},
		{"indexOf~", `indexOf~(a, "x") == 0`, `(in (indexof~ a "x") 0)`},
		{"length", `length(a) > 3`, `(> (length a) 3)`},
		{"modulo", `modulo(a, 2) == 0`, `(in (modulo a 2) 0)`},
		{"multiply", `multiply(a, 2) == 4`, `(in (multiply a 2) 4)`},
		{"number", `number(a) == 1`, `(in (number a) 1)`},
		{"number with a base", `number(a, 16) == 1`, `(in (number a 16) 1)`},
		{"startsWith", `startsWith(a, "x")`, `(startswith a "x")`},
		{"startswith~", `startswith~(a, "x")`, `(startswith~ a "x")`},
		{"string", `string(a) == "1"`, `(in (string a) "1")`},
		{"stringContains", `stringContains(a, "x")`, `(stringcontains a "x")`},
		{"stringcontains lower case", `stringcontains(a, "x")`, `(stringcontains a "x")`},
		{"stringContains~", `stringContains~(a, "x")`, `(stringcontains~ a "x")`},
		{"substring", `substring(a, 0, -1) == "x"`, `(in (substring a 0 -1) "x")`},
		{"substring without end", `substring(a, 2) == "x"`, `(in (substring a 2) "x")`},
		{"subtract", `subtract(a, 1) == 0`, `(in (subtract a 1) 0)`},
		{"nested calls with fields", `startswith~(host.name, substring(user.name, 0, -1))`, `(startswith~ host.name (substring user.name 0 -1))`},
		{"a call as a condition", `not stringContains(a, "x")`, `(not (stringcontains a "x"))`},

		// Arithmetic.
		{"+", `a + 1 > 0`, `(> (+ a 1) 0)`},
		{"-", `a - 1 > 0`, `(> (- a 1) 0)`},
		{"*", `a * 2 > 0`, `(> (* a 2) 0)`},
		{"/", `a / 2 > 0`, `(> (/ a 2) 0)`},
		{"%", `a % 2 == 0`, `(in (% a 2) 0)`},
		{"* binds tighter than +", `a + b * c > 0`, `(> (+ a (* b c)) 0)`},
		{"- is left-associative", `a - b - c > 0`, `(> (- (- a b) c) 0)`},
		{"/ and % are left-associative", `a / b % c > 0`, `(> (% (/ a b) c) 0)`},
		{"parentheses in arithmetic", `a * (b + c) > 0`, `(> (* a (+ b c)) 0)`},
		{"unary minus on a field", `-a < 0`, `(< (- 0 a) 0)`},
		{"unary minus on a group", `-(a + 1) < 0`, `(< (- 0 (+ a 1)) 0)`},
		{"unary plus", `+a < 0`, `(< a 0)`},
		{"the smallest integer", `a == -9223372036854775808`, `(in a -9223372036854775808)`},
		{"minus a negative number", `a - -1 > 0`, `(> (- a -1) 0)`},

		// Literals.
		{"escapes", `a == "\b\t\n\f\r\"\'\\"`, `(in a "\b\t\n\f\r\"'\\")`},
		{"unicode escape", `a == "\u{202E}x"`, `(in a "\u{202e}x")`},
		{"unicode escape with 8 digits", `a == "\u{0001F600}"`, "(in a \"\U0001F600\")"},
		{"unicode escape with 2 digits", `a == "\u{41}"`, `(in a "A")`},
		{"raw string keeps backslashes", `a == """C:\x\"""`, `(in a "C:\\x\\")`},
		{"raw string with quotes", `a == """bash -c "x" """`, `(in a "bash -c \"x\" ")`},
		{"raw string ending in one extra quote", `a == """say "hi""""`, `(in a "say \"hi\"")`},
		{"raw string ending in two extra quotes", `a == """x"""""`, `(in a "x\"\"")`},
		{"empty string", `a == ""`, `(in a "")`},
		{"non-ASCII string", `a regex "[ʰ-˿ᴬ-ᶻ]"`, `(regex a "[ʰ-˿ᴬ-ᶻ]")`},
		{"a float literal stays a float", `1.5e3 > a`, `(> float:1500.0 a)`},
		{"float with exponent", `a == 1.5e3`, `(in a 1500.0)`},
		{"float with negative exponent", `a == 25E-1`, `(in a 2.5)`},
		{"float without integer part", `a == .5`, `(in a 0.5)`},
		{"a constant condition", `true`, `true`},
		{"false as a condition", `false`, `false`},

		// Fields.
		{"a bare field is a test for true", `a.b`, `(in a.b true)`},
		{"a bare field in and", `a and not b`, `(and (in a true) (not (in b true)))`},
		{"a parenthesised bare field", `(a)`, `(in a true)`},
		{"@timestamp", `@timestamp > 0`, `(> @timestamp 0)`},
		{"optional field", `?process.parent.name == "x"`, `(in ?process.parent.name "x")`},
		{"backquoted segment", "a.`0`.b == 1", `(in a.0.b 1)`},
		{"backquoted name with a slash", "k.`authorization_k8s_io/decision` : \"allow\"", `(wildcard~ k.authorization_k8s_io/decision "allow")`},
		{"backquoted name with blanks and a doubled backquote", "`a b``c` == 1", "(in a b`c 1)"},
		{"optional backquoted field", "?`x y` == 1", `(in ?x y 1)`},
		{"a field named like a keyword inside a path", `event.sequence == 1`, `(in event.sequence 1)`},
		{"a backquoted keyword", "`where` == 1", `(in where 1)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := parseOK(t, "p where "+tt.cond)
			got := dumpExpr(q.(*ir.EventQuery).Cond)
			if got != tt.want {
				t.Errorf("p where %s\n got %s\nwant %s", tt.cond, got, tt.want)
			}
			// The printer's text reads back to the same IR.
			text := ir.Print(q)
			if back, ds := Parse(text, Options{}); ds.HasErrors() || !ir.Equal(q, back) {
				t.Errorf("round trip through %q: %v %s", text, ds, dump(back))
			}
		})
	}
}

// TestParseQueries pins query forms: event queries, sequences, samples,
// pipes and comments.
func TestParseQueries(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"event query", `process where a == 1`, `process[event.category] where (in a 1)`},
		{"any", `any where true`, `any[event.category] where true`},
		{"quoted category", `"my-cat" where true`, `my-cat[event.category] where true`},
		{"category kept as written", `Process where true`, `Process[event.category] where true`},
		{"sequence", `sequence [a where x] [b where y]`, `(sequence [a[event.category] where (in x true)] [b[event.category] where (in y true)])`},
		{"sequence by", `sequence by host.id, user.id [a where true] [b where true]`, `(sequence by host.id user.id [a[event.category] where true] [b[event.category] where true])`},
		{"maxspan then by", `sequence with maxspan=5m by host.id [a where true] [b where true]`, `(sequence by host.id maxspan=5m [a[event.category] where true] [b[event.category] where true])`},
		{"by then maxspan", `sequence by host.id with maxspan=30s [a where true] [b where true]`, `(sequence by host.id maxspan=30s [a[event.category] where true] [b[event.category] where true])`},
		{"every maxspan unit", `sequence with maxspan=10ms [a where true] [b where true]`, `(sequence maxspan=10ms [a[event.category] where true] [b[event.category] where true])`},
		{"maxspan in hours", `sequence with maxspan=2h [a where true] [b where true]`, `(sequence maxspan=2h [a[event.category] where true] [b[event.category] where true])`},
		{"maxspan in days with blanks", `sequence with maxspan = 1 d [a where true] [b where true]`, `(sequence maxspan=1d [a[event.category] where true] [b[event.category] where true])`},
		{"stage keys", `sequence [a where true] by x [b where true] by y`, `(sequence [a[event.category] where true] by x [b[event.category] where true] by y)`},
		{"runs", `sequence [a where true] with runs=3`, `(sequence [a[event.category] where true] runs=3)`},
		{"runs with blanks", `sequence [a where true] by x with runs = 60`, `(sequence [a[event.category] where true] by x runs=60)`},
		{"runs before by", `sequence [a where true] with runs=2 by x [b where true] by y`, `(sequence [a[event.category] where true] by x runs=2 [b[event.category] where true] by y)`},
		{"until", `sequence by u [a where true] [b where true] until [c where true]`, `(sequence by u [a[event.category] where true] [b[event.category] where true] until [c[event.category] where true])`},
		{"missing stage at the end", `sequence with maxspan=5m [a where true] ![b where true]`, `(sequence maxspan=5m [a[event.category] where true] ![b[event.category] where true])`},
		{"missing stage first", `sequence with maxspan=5m ![a where true] [b where true]`, `(sequence maxspan=5m ![a[event.category] where true] [b[event.category] where true])`},
		{"sample", `sample by host.id [a where true] [b where true] [c where true]`, `(sample by host.id [a[event.category] where true] [b[event.category] where true] [c[event.category] where true])`},
		{"head", `process where true | head 5`, `process[event.category] where true | head 5`},
		{"tail", `process where true | tail 1`, `process[event.category] where true | tail 1`},
		{"two pipes", `sequence [a where true] [b where true] | head 10 | tail 2`, `(sequence [a[event.category] where true] [b[event.category] where true]) | head 10 | tail 2`},
		{"line comment", "process where // why\n  a == 1 // and more", `process[event.category] where (in a 1)`},
		{"block comment", "process where /* a\n b */ a == 1", `process[event.category] where (in a 1)`},
		{"nested block comment", "process where /* a /* b */ c */ a == 1", `process[event.category] where (in a 1)`},
		{"comment between stages", "sequence [a where true] /* x */ // y\n [b where true]", `(sequence [a[event.category] where true] [b[event.category] where true])`},
		{"comment only around", "/* c */ any where true /* d */", `any[event.category] where true`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dump(parseOK(t, tt.src)); got != tt.want {
				t.Errorf("%s\n got %s\nwant %s", tt.src, got, tt.want)
			}
		})
	}
}

func TestCategoryFieldOption(t *testing.T) {
	q, ds := Parse(`sequence [info where true] [info where true]`, Options{CategoryField: "event.type"})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	if got, want := dump(q), `(sequence [info[event.type] where true] [info[event.type] where true])`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestSpansInFile checks that positions are mapped into the file: a query
// that starts on line 10 of its file, at byte 200.
func TestSpansInFile(t *testing.T) {
	base := ir.Pos{File: "r.toml", Line: 10, Col: 1, Offset: 200}
	src := "process where a == \"é\" and\n  not b : (\"x\", 1)"
	q, ds := Parse(src, Options{Base: base})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	if sp := q.Loc(); sp.Start != (ir.Pos{File: "r.toml", Line: 10, Col: 1, Offset: 200}) || sp.End != (ir.Pos{File: "r.toml", Line: 11, Col: 19, Offset: 200 + len(src)}) {
		t.Errorf("query span %+v", sp)
	}
	got := strings.Join(dumpSpans(q.(*ir.EventQuery).Cond), "\n")
	want := strings.Join([]string{
		"*ir.And 10:15-11:19@214",
		"*ir.In 10:15-10:23@214",
		"*ir.Field 10:15-10:16@214",
		"*ir.Not 11:3-11:19@230",
		"*ir.Or 11:7-11:19@234",
		"*ir.Match 11:7-11:19@234",
		"*ir.Field 11:7-11:8@234",
		"*ir.In 11:7-11:19@234",
		"*ir.Field 11:7-11:8@234",
	}, "\n")
	if got != want {
		t.Errorf("spans\n got:\n%s\nwant:\n%s", got, want)
	}
}

// TestBaseColumnOnFirstLine checks that a query starting mid-line (a raw
// .eql file after a prefix, a JSON string) shifts the first line's columns.
func TestBaseColumnOnFirstLine(t *testing.T) {
	_, ds := Parse("process where a == ", Options{Base: ir.Pos{File: "x.eql", Line: 3, Col: 9, Offset: 40}})
	if len(ds) != 1 {
		t.Fatalf("got %v", ds)
	}
	if got, want := ds[0].Error(), `x.eql:3:27: expected a value after "==", found end of query`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if ds[0].Span.Start.Offset != 58 {
		t.Errorf("offset %d, want 58", ds[0].Span.Start.Offset)
	}
}
