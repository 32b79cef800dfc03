package eql

import (
	"strings"
	"testing"

	"github.com/eqlx/eqlx/ir"
)

// TestParseErrors pins the code, the position and the exact wording of each
// error: what was expected and what was found.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, code, want string
	}{
		// Input as a whole.
		{"empty input", ``, "eql/syntax", "1:1: empty query: expected an event query such as `process where true`, a sequence or a sample"},
		{"only a comment", `  // nothing`, "eql/syntax", "1:13: empty query: expected an event query such as `process where true`, a sequence or a sample"},
		{"invalid UTF-8", "process where a == \"\xff\"", "eql/syntax", "1:21: invalid UTF-8: the query must be UTF-8 text"},
		{"binary garbage", "\x00\x01\x02", "eql/syntax", `1:1: unexpected character '\x00' (U+0000)`},

		// Lexing.
		{"unterminated string", "process where a == \"x", "eql/syntax", `1:20: unterminated string: '"' has no matching '"' on its line`},
		{"unterminated comment", "process where /* a /* b */ a", "eql/syntax", `1:15: unterminated comment: "/*" has no matching "*/"`},
		{"single-quoted string", "process where a == 'x'", "eql/syntax", "1:20: single-quoted strings are python eql syntax; use double quotes"},
		{"python raw string", `process where a == ?"x"`, "eql/syntax", `1:20: raw strings ?"..." are python eql syntax; use """...""" or double quotes`},

		// Grammar.
		{"no category", `where a`, "eql/syntax", `1:1: expected an event category (such as process, or any) followed by "where", "sequence" or "sample", found "where"`},
		{"no where", `process a == 1`, "eql/syntax", `1:9: expected "where" after the event category "process", found name "a"`},
		{"no condition", `process where`, "eql/syntax", `1:14: expected a condition after "where", found end of query`},
		{"no value after ==", `process where a ==`, "eql/syntax", `1:19: expected a value after "==", found end of query`},
		{"no value after and", "process where a and\n", "eql/syntax", `1:20: expected a value after "and", found end of query`},
		{"no value inside a stage", `sequence [process where a ==] [b where c]`, "eql/syntax", `1:29: expected a value after "==", found "]"`},
		{"no value inside parentheses", `process where (a == 1 or b ==) and c`, "eql/syntax", `1:30: expected a value after "==", found ")"`},
		{"trailing comma in a list", `process where a in ("x",)`, "eql/syntax", `1:25: expected a value after ",", found ")"`},
		{"trailing comma in a call", `process where f(a,)`, "eql/syntax", `1:19: expected a value after ",", found ")"`},
		{"no comma in a list", `process where a in ("x" "y")`, "eql/syntax", `1:25: expected an operator, "," or ")", found string "y"`},
		{"no value after >", `process where length(a) > `, "eql/syntax", `1:26: expected a value after ">", found end of query`},
		{"stage by without keys", `sequence [a where true] by`, "eql/syntax", `1:27: expected a join key (a field) after "by", found end of query`},
		{"runs without a number", `sequence [a where true] with runs=`, "eql/syntax", `1:35: expected a whole number after "runs=", found end of query`},
		{"two operands", `process where a == 1 b`, "eql/syntax", `1:22: expected an operator, "and", "or", "|" or the end of the query, found name "b"`},
		{"two operands in parentheses", `process where (a == 1 b)`, "eql/syntax", `1:23: expected an operator, "," or ")", found name "b"`},
		{"two operands in a stage", `sequence [a where true b] [c where true]`, "eql/syntax", `1:24: expected an operator, "and", "or" or "]", found name "b"`},
		{"unclosed parenthesis", "process where (a == 1 or\n  b == 2", "eql/syntax", `2:9: expected ")" to close "(" at 1:15, found end of query`},
		{"wrong closing bracket", `process where (a == 1]`, "eql/syntax", `1:22: expected ")" to close "(" at 1:15, found "]"`},
		{"closing without opening", `process where a == 1)`, "eql/syntax", `1:21: unexpected ")": there is no "(" to close`},
		{"unclosed call", `process where f(a`, "eql/syntax", `1:18: expected ")" to close "(" at 1:16, found end of query`},
		{"unclosed stage", `sequence [process where true`, "eql/syntax", `1:29: expected "]" to close "[" at 1:10, found end of query`},
		{"in without a list", `process where a in "x"`, "eql/syntax", `1:20: expected "(" and a list of values after "in", found string "x"`},
		{"empty list", `process where a in ()`, "eql/syntax", `1:21: expected a value after "(", found ")"`},
		{"single = is python", `process where a = 1`, "eql/syntax", `1:17: use == (= is not EQL)`},
		{"not like is not infix", `process where a not like "x"`, "eql/syntax", `1:21: expected "in" or "in~" after "not" (to negate another test, put "not" in front of it), found "like"`},
		{"upper-case keyword", `process where a == 1 AND b`, "eql/syntax", `1:22: expected an operator, "and", "or", "|" or the end of the query, found name "AND" (keywords are lower case: "and")`},
		{"array index", `process where a.b[0] == 1`, "eql/syntax", `1:18: expected an operator, "and", "or", "|" or the end of the query, found "["`},
		{"sequence without stages", `sequence`, "eql/syntax", `1:9: expected "by", "with" or "[" after "sequence", found end of query`},
		{"by without keys", `sequence by [a where true] [b where true]`, "eql/syntax", `1:13: expected a join key (a field) after "by", found "["`},
		{"with without a parameter", `sequence with [a where true] [b where true]`, "eql/syntax", `1:15: expected "maxspan=" or "runs=" after "with", found "["`},
		{"maxspan without =", `sequence with maxspan [a where true] [b where true]`, "eql/syntax", `1:23: expected "=" after "with maxspan", found "["`},
		{"maxspan not a whole number", `sequence with maxspan=1.5m [a where true] [b where true]`, "eql/syntax", `1:23: expected a whole number after "maxspan=", found number 1.5`},
		{"text after the last stage", `sequence [a where true] [b where true] foo`, "eql/syntax", `1:40: expected "by", "with", "[", "until", "|" or the end of the query, found name "foo"`},
		{"pipe without a name", `process where true |`, "eql/syntax", `1:21: expected a pipe name (head or tail) after "|", found end of query`},

		// Literals.
		{"unknown escape", `process where a == "x\qy"`, "eql/bad-escape", `1:22: unknown escape \q in a string: EQL has \b \t \n \f \r \" \' \\ and \u{...}; write \\ for a backslash`},
		{"unknown escape after non-ASCII", `process where a == "é\d"`, "eql/bad-escape", `1:22: unknown escape \d in a string: EQL has \b \t \n \f \r \" \' \\ and \u{...}; write \\ for a backslash`},
		{"unicode escape without braces", `process where a == "\u0041"`, "eql/bad-escape", `1:21: expected "{" after \u: unicode escapes are written \u{XXXX} (2 to 8 hex digits)`},
		{"unicode escape with one digit", `process where a == "\u{1}"`, "eql/bad-escape", `1:21: bad unicode escape \u{1}: expected 2 to 8 hex digits`},
		{"unicode escape with nine digits", `process where a == "\u{123456789}"`, "eql/bad-escape", `1:21: bad unicode escape \u{123456789}: expected 2 to 8 hex digits`},
		{"unicode escape not hex", `process where a == "\u{zz}"`, "eql/bad-escape", `1:21: bad unicode escape \u{zz}: expected 2 to 8 hex digits`},
		{"unicode escape of a surrogate", `process where a == "\u{D800}"`, "eql/bad-escape", `1:21: bad unicode escape \u{D800}: not a Unicode code point`},
		{"unterminated unicode escape", `process where a == "\u{41"`, "eql/bad-escape", `1:21: unterminated unicode escape: expected \u{XXXX} with 2 to 8 hex digits and a closing "}"`},
		{"integer overflow", `process where a == 9223372036854775808`, "eql/bad-number", `1:20: integer 9223372036854775808 is out of range (64-bit integers go from -9223372036854775808 to 9223372036854775807)`},
		{"negative integer overflow", `process where a == -9223372036854775809`, "eql/bad-number", `1:20: integer -9223372036854775809 is out of range (64-bit integers go from -9223372036854775808 to 9223372036854775807)`},
		{"float overflow", `process where a == 1e999`, "eql/bad-number", `1:20: number 1e999 is out of range for a 64-bit float`},

		// Operands.
		{"a field after :", `process where a : b`, "eql/type", `1:19: the patterns after ":" must be constant strings, found the field b`},
		{"a field in a like list", `process where a like ("x", b)`, "eql/type", `1:28: the patterns after "like" must be constant strings, found the field b`},
		{"a number after like", `process where a like~ 1`, "eql/type", `1:23: the patterns after "like~" must be strings, found the int 1`},
		{"a number after regex", `process where a regex (1)`, "eql/type", `1:24: the patterns after "regex" must be strings, found the int 1`},
		{"a field in an in list", `process where a in ("x", b)`, "eql/type", `1:26: the values of "in" must be constants (strings, numbers, booleans), found the field b`},
		{"a call in an in list", `process where a in (length(b))`, "eql/type", `1:21: the values of "in" must be constants (strings, numbers, booleans), found a call to length`},
		{"a number as a condition", `process where 1`, "eql/type", `1:15: expected a condition, found the int 1`},
		{"a string as a condition", `process where a == 1 and "x"`, "eql/type", `1:26: expected a condition, found the string "x"`},
		{"arithmetic as a condition", `process where a + 1`, "eql/type", `1:15: expected a condition, found arithmetic (compare it with ==, <, ...)`},
		{"unbalanced regex", `process where a regex "a(b"`, "eql/bad-regex", `1:23: regex "a(b" has unbalanced brackets or parentheses`},
		{"unclosed regex class", `process where a regex~ "[ab"`, "eql/bad-regex", `1:24: regex "[ab" has unbalanced brackets or parentheses`},

		// Functions.
		{"unknown function", `process where foo(a)`, "eql/unknown-function", `1:15: unknown function "foo"; Elasticsearch EQL has add, between, cidrMatch, concat, divide, endsWith, indexOf, length, modulo, multiply, number, startsWith, string, stringContains, substring, subtract`},
		{"python wildcard", `process where wildcard(a, "x*")`, "eql/unsupported", `1:15: function "wildcard" is python eql only, not supported by Elasticsearch EQL`},
		{"python match", `process where match(a, "x")`, "eql/unsupported", `1:15: function "match" is python eql only, not supported by Elasticsearch EQL`},
		{"python matchLite", `process where matchLite(a, "x")`, "eql/unsupported", `1:15: function "matchLite" is python eql only, not supported by Elasticsearch EQL`},
		{"python arrayContains", `process where arrayContains(a, "x")`, "eql/unsupported", `1:15: function "arrayContains" is python eql only, not supported by Elasticsearch EQL`},
		{"python arrayCount", `process where arrayCount(a, x, x == 1) > 1`, "eql/unsupported", `1:15: function "arrayCount" is python eql only, not supported by Elasticsearch EQL`},
		{"python arraySearch", `process where arraySearch(a, x, x == 1)`, "eql/unsupported", `1:15: function "arraySearch" is python eql only, not supported by Elasticsearch EQL`},
		{"python safe", `process where safe(a)`, "eql/unsupported", `1:15: function "safe" is python eql only, not supported by Elasticsearch EQL`},
		{"~ on a function without it", `process where cidrMatch~(a, "x")`, "eql/unsupported", `1:15: "cidrMatch~" has no case-insensitive form: only between~, endsWith~, indexOf~, startsWith~ and stringContains~ exist`},
		{"~ on length", `process where length~(a) > 1`, "eql/unsupported", `1:15: "length~" has no case-insensitive form: only between~, endsWith~, indexOf~, startsWith~ and stringContains~ exist`},
		{"length without arguments", `process where length() > 1`, "eql/arity", `1:15: length takes 1 argument, found 0`},
		{"between with two", `process where between(a, "b") == ""`, "eql/arity", `1:15: between takes 3 to 4 arguments, found 2`},
		{"cidrMatch with one", `process where cidrMatch(a)`, "eql/arity", `1:15: cidrMatch takes at least 2 arguments, found 1`},
		{"concat with none", `process where concat() == ""`, "eql/arity", `1:15: concat takes at least 1 argument, found 0`},
		{"endsWith with three", `process where endsWith(a, "b", "c")`, "eql/arity", `1:15: endsWith takes 2 arguments, found 3`},
		{"indexOf with four", `process where indexOf(a, "b", 1, 2) == 1`, "eql/arity", `1:15: indexOf takes 2 to 3 arguments, found 4`},
		{"number with three", `process where number(a, 1, 2) == 1`, "eql/arity", `1:15: number takes 1 to 2 arguments, found 3`},
		{"startsWith with one", `process where startsWith(a)`, "eql/arity", `1:15: startsWith takes 2 arguments, found 1`},
		{"string with two", `process where string(a, b) == ""`, "eql/arity", `1:15: string takes 1 argument, found 2`},
		{"stringContains with one", `process where stringContains(a)`, "eql/arity", `1:15: stringContains takes 2 arguments, found 1`},
		{"substring with one", `process where substring(a) == ""`, "eql/arity", `1:15: substring takes 2 to 3 arguments, found 1`},
		{"add with one", `process where add(a) == 1`, "eql/arity", `1:15: add takes 2 arguments, found 1`},
		{"modulo with three", `process where modulo(a, 1, 2) == 1`, "eql/arity", `1:15: modulo takes 2 arguments, found 3`},

		// Python eql constructs.
		{"join", `join by a [x where true] [y where true]`, "eql/unsupported", `1:1: "join" is python eql syntax, not supported by Elasticsearch EQL (use a sequence)`},
		{"descendant of", `process where descendant of [process where true]`, "eql/unsupported", `1:15: "descendant of" is python eql syntax (lineage), not supported by Elasticsearch EQL`},
		{"child of", `process where a == 1 and child of [process where true]`, "eql/unsupported", `1:26: "child of" is python eql syntax (lineage), not supported by Elasticsearch EQL`},
		{"event of", `process where event of [process where true]`, "eql/unsupported", `1:15: "event of" is python eql syntax (lineage), not supported by Elasticsearch EQL`},
		{"macro", `macro F(x) x == 1`, "eql/unsupported", `1:1: "macro" definitions are python eql syntax, not supported by Elasticsearch EQL`},
		{"const", `const X = 1`, "eql/unsupported", `1:1: "const" definitions are python eql syntax, not supported by Elasticsearch EQL`},
		{"count pipe", `process where true | count`, "eql/unsupported-pipe", `1:20: "| count" is not supported by Elasticsearch EQL (only head and tail)`},
		{"unique pipe", `process where true | unique a, b`, "eql/unsupported-pipe", `1:20: "| unique" is not supported by Elasticsearch EQL (only head and tail)`},
		{"unique_count pipe", `process where true | unique_count a`, "eql/unsupported-pipe", `1:20: "| unique_count" is not supported by Elasticsearch EQL (only head and tail)`},
		{"filter pipe", `process where true | filter a == 1`, "eql/unsupported-pipe", `1:20: "| filter" is not supported by Elasticsearch EQL (only head and tail)`},
		{"sort pipe", `process where true | sort a`, "eql/unsupported-pipe", `1:20: "| sort" is not supported by Elasticsearch EQL (only head and tail)`},
		{"window pipe", `process where true | window 5m`, "eql/unsupported-pipe", `1:20: "| window" is not supported by Elasticsearch EQL (only head and tail)`},
		{"head without a count", `process where true | head`, "eql/syntax", `1:20: "| head" takes one whole number, as in "| head 10"`},
		{"head with a negative count", `process where true | head -1`, "eql/syntax", `1:20: "| head" takes one whole number, as in "| head 10"`},
		{"head with a huge count", `process where true | head 99999999999999999999`, "eql/syntax", `1:20: "| head" takes one whole number, as in "| head 10"`},
		{"a pipe after a python pipe", `process where true | unique a | head 1`, "eql/unsupported-pipe", `1:20: "| unique" is not supported by Elasticsearch EQL (only head and tail)`},
		{"tail with two counts", `process where true | tail 1, 2`, "eql/syntax", `1:20: "| tail" takes one whole number, as in "| tail 10"`},

		// Sequences and samples.
		{"maxspan without a unit", `sequence with maxspan=5 [a where true] [b where true]`, "eql/sequence", `1:23: expected a time unit (ms, s, m, h or d) after maxspan=5, as in maxspan=5s`},
		{"maxspan with an unknown unit", `sequence with maxspan=5y [a where true] [b where true]`, "eql/sequence", `1:24: unknown time unit "y": expected ms, s, m, h or d`},
		{"runs on the sequence", `sequence with runs=5 [a where true] [b where true]`, "eql/sequence", `1:15: expected "maxspan" after "with" in a sequence header, found "runs" (runs goes after a stage)`},
		{"maxspan on a stage", `sequence [a where true] with maxspan=5m [b where true]`, "eql/sequence", `1:30: expected "runs" after "with" on a stage, found "maxspan" (maxspan goes after "sequence")`},
		{"two maxspans", `sequence with maxspan=1m with maxspan=2m [a where true] [b where true]`, "eql/sequence", `1:26: a sequence has one "with maxspan="`},
		{"two sequence bys", `sequence by a by b [x where true] [y where true]`, "eql/sequence", `1:15: sequence has two "by" clauses; list every join key in one`},
		{"two stage bys", `sequence [x where true] by a by b [y where true] by c`, "eql/sequence", `1:30: a stage has two "by" clauses; list every join key in one`},
		{"runs 0", `sequence [a where true] with runs=0`, "eql/sequence", `1:35: runs must be between 1 and 100, found 0`},
		{"runs 101", `sequence [a where true] with runs=101 [b where true]`, "eql/sequence", `1:35: runs must be between 1 and 100, found 101`},
		{"runs with a unit", `sequence [a where true] with runs=2s [b where true]`, "eql/sequence", `1:36: runs is a count, not a duration: expected runs=2`},
		{"different key counts", `sequence [a where true] by x [b where true]`, "eql/sequence", `1:30: every stage needs the same number of join keys: the first has 1, this one has 0`},
		{"until with different key counts", `sequence [a where true] by x [b where true] by y until [c where true]`, "eql/sequence", `1:56: every stage needs the same number of join keys: the first has 1, this one has 0`},
		{"missing stage without maxspan", `sequence [a where true] ![b where true]`, "eql/sequence", `1:25: a missing event "![...]" needs the sequence to have "with maxspan="`},
		{"only missing stages", `sequence with maxspan=1m ![a where true] ![b where true]`, "eql/sequence", `1:1: a sequence needs at least one stage that is not a missing event`},
		{"one event", `sequence [a where true]`, "eql/sequence", `1:1: a sequence needs at least two events: add a stage or "with runs=N"`},
		{"missing until", `sequence with maxspan=1m [a where true] [b where true] until ![c where true]`, "eql/sequence", `1:62: "until" takes an event query "[...]", not a missing event "![...]"`},
		{"sample with maxspan", `sample by x with maxspan=5m [a where true] [b where true]`, "eql/sequence", `1:13: a sample takes no "with" parameters (no maxspan, runs or until)`},
		{"sample with runs", `sample by x [a where true] with runs=2 [b where true]`, "eql/sequence", `1:28: a sample takes no "with" parameters (no maxspan, runs or until)`},
		{"sample with a missing stage", `sample by x [a where true] ![b where true]`, "eql/sequence", `1:28: a sample has no missing events "![...]"`},
		{"sample with until", `sample by x [a where true] [b where true] until [c where true]`, "eql/sequence", `1:49: a sample has no "until"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, ds := Parse(tt.src, Options{})
			if q != nil {
				t.Errorf("Parse(%q) returned a query despite errors", tt.src)
			}
			if len(ds) == 0 {
				t.Fatalf("Parse(%q): no error, want %s", tt.src, tt.want)
			}
			d := ds[0]
			if d.Severity != ir.Error || d.Code != tt.code || d.Error() != tt.want {
				t.Errorf("Parse(%q)\n got [%s] %s\nwant [%s] %s", tt.src, d.Code, d.Error(), tt.code, tt.want)
			}
			if len(ds) > 1 {
				t.Errorf("Parse(%q): %d diagnostics, want 1:\n%v", tt.src, len(ds), ds)
			}
		})
	}
}

// TestErrorsInFile checks that an error names the file and the line in the
// file, not in the query.
func TestErrorsInFile(t *testing.T) {
	_, ds := Parse("process where\n  a == 1 and\n  b = 2", Options{Base: ir.Pos{File: "rules/x.toml", Line: 12, Col: 1, Offset: 300}})
	if len(ds) != 1 {
		t.Fatalf("got %v", ds)
	}
	if got, want := ds[0].Error(), "rules/x.toml:14:5: use == (= is not EQL)"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestHostileInput checks that inputs built to exhaust the parser get a
// clear, positioned error, and quickly.
func TestHostileInput(t *testing.T) {
	deep := strings.Repeat("(", 100000) + "a" + strings.Repeat(")", 100000)
	tests := []struct {
		name, src, want string
	}{
		{"parentheses 100,000 deep", "process where " + deep, "1:527: expression nested too deeply: more than 512 levels of brackets and prefix operators"},
		{"not 100,000 times", "process where " + strings.Repeat("not ", 100000) + "a", "1:2063: expression nested too deeply: more than 512 levels of brackets and prefix operators"},
		{"minus 100,000 times", "process where a == " + strings.Repeat("-", 100000) + "1", "1:532: expression nested too deeply: more than 512 levels of brackets and prefix operators"},
		{"unclosed parentheses 100,000 deep", "process where " + strings.Repeat("(", 100000), "1:527: expression nested too deeply: more than 512 levels of brackets and prefix operators"},
		{"a 10 MB query", "process where a in (" + strings.Repeat(`"x", `, 10<<20/5) + `"x")`, "1:1: query is too long: 10485784 bytes (the limit is 1048576)"},
		{"binary garbage", "\x7fELF\x02\x01\x01\x00", `1:1: unexpected character '\x7f' (U+007F)`},
		{"invalid UTF-8 after a newline", "process where\n a == \"\xc3\x28\"", "2:8: invalid UTF-8: the query must be UTF-8 text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, ds := Parse(tt.src, Options{})
			if q != nil || len(ds) == 0 {
				t.Fatalf("got a query or no error")
			}
			if got := ds[0].Error(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestDeepButFine checks that nesting below the limit parses.
func TestDeepButFine(t *testing.T) {
	src := "process where " + strings.Repeat("(", 200) + "a == 1" + strings.Repeat(")", 200)
	if got := dumpExpr(parseOK(t, src).(*ir.EventQuery).Cond); got != "(in a 1)" {
		t.Errorf("got %s", got)
	}
}
