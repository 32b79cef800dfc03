// Package ir is eqlx's backend-neutral intermediate representation of
// detection rules, and the semantics contract that every backend implements.
//
// A Rule is metadata (Meta) plus a Query: an *EventQuery, a *Sequence or a
// *Sample, each with an optional list of pipes. Conditions are trees of Expr
// nodes: And, Or, Not (boolean structure), In, Match, IsNull, Compare
// (predicates), Call, Arith (computed values), Field and Literal (leaves).
// The frontend lowers EQL text to this IR; package ir/pass normalises it;
// the backends (Falco, Sigma, the native Go evaluator) read it. Every node
// carries the Span of the text it came from.
//
// The dialect is Elasticsearch EQL (the one elastic/detection-rules
// targets), not python eql: see ../shared/notes/eql.md §0 and §4. Where the
// two differ, this document follows Elasticsearch. What follows is the
// contract: an implementation that disagrees with it on some event is wrong
// (or must report the rule as approximate, with the reason).
//
// # Values and events
//
// An event is a JSON object; a field path ("process.parent.name") walks
// nested objects (and also matches a flattened key "process.parent.name"
// holding the same value). A field's value is one of:
//
//   - missing: the path does not exist (or walks through a non-object);
//   - null: JSON null;
//   - empty array: [];
//   - a scalar: string, number (integer or float), boolean;
//   - an array of scalars (nested arrays are flattened; null elements are
//     ignored). process.args, event.category and event.type are arrays in
//     ECS; any field may hold an array in a given event.
//
// Missing, null and [] are the same for every operator: "absent".
// A one-element array behaves as its element.
//
// # Two kinds of predicate
//
// Elasticsearch compiles a predicate whose subject is a plain field to a
// Query DSL clause (term, terms, wildcard, regexp, range, exists) and
// everything else to a painless script. The two differ on absent fields,
// arrays and negation, and eqlx keeps the difference:
//
// A query predicate is an In, Match, IsNull or Compare whose subject (X, or
// for Compare the non-constant side) is a plain *Field. It is two-valued:
//
//   - on an absent field it is FALSE (never null);
//   - on an array it is TRUE when ANY element satisfies it;
//   - Not flips it, as Lucene's bool.must_not does: `f != "x"`
//     (Not{In{f, "x"}}) is TRUE when f is absent, and on an array it is
//     true only when NO element equals "x";
//   - IsNull is TRUE when the field is absent and FALSE otherwise.
//
// A script predicate is one whose subject is computed (a Call or an Arith,
// or a Literal before folding). It is three-valued (Kleene):
//
//   - a function or operator given null returns null (exceptions below);
//     a predicate given null is null;
//   - on an array field used inside a function, the function is evaluated
//     once per element and the predicate is TRUE when any element makes it
//     true (Elasticsearch >= 7.15, PR #74567), otherwise FALSE if any
//     element made it false, otherwise null; an absent field is null;
//   - IsNull of a computed value is TRUE when it is null, never null.
//
// startsWith, endsWith and stringContains of a plain field and a string
// literal, and cidrMatch of a plain field and string literals (their `~`
// forms too), are query calls (IsQueryCall): Elasticsearch runs them as
// prefix, wildcard and terms queries. They are evaluated as the functions
// below, but under Not they behave as query predicates: absent is FALSE,
// so `not startsWith(f, "x")` is TRUE on an absent f.
//
// And and Or are Kleene's three-valued connectives (false wins in And,
// true wins in Or); a query predicate only ever feeds them TRUE or FALSE.
// Not depends on what it negates, as Elasticsearch's translator does
// (IsScript): the negation of a script predicate (or of a negated one) is
// part of the script and Kleene's (not null is null); any other negation
// (of a query predicate, a query call, an And or an Or) is Lucene's
// bool.must_not, TRUE unless its operand is TRUE, so a null inside it
// counts as FALSE: `not (length(f) > 1 or g == "y")` is TRUE on an event
// with neither f nor g. This rule applies to the normalised IR (package
// pass), which folds, flattens and merges as Elasticsearch's optimizer
// does before it translates. An event matches when the whole condition is
// TRUE; FALSE and null both mean "no match".
//
// # Predicates: the table per node
//
// Columns: the result on an absent field (missing, null or []), on an
// array field, and the case and type rules. "any" means: true when at least
// one element satisfies the predicate.
//
//	node (EQL)                    absent   array        case       types
//	In   f == v, f in (v, ...)    false    any elem     sensitive  see "Types"
//	In~  f in~ (v, ...)           false    any elem     folded     strings fold; others as In
//	Not{In}  f != v, not f in ()  TRUE     no elem      as In      as In
//	Match wildcard  f like p      false    any elem     sensitive  strings only
//	Match wildcard~ f like~ p, :  false    any elem     folded     strings only
//	Match regex  f regex p        false    any elem     sensitive  strings only
//	Match regex~ f regex~ p       false    any elem     folded     strings only
//	Not{Match}  not f like p      TRUE     no elem      as Match   as Match
//	IsNull  f == null             TRUE     false        -          any
//	Not{IsNull}  f != null        false    TRUE         -          any
//	Compare  f < v, <=, >, >=     false    any elem     sensitive  numbers, strings, dates
//	Compare  f == g, f != g       see below
//	script predicate (X a Call/Arith)  null in, null out; arrays per element
//
// Computed values and script predicates (X is a Call or an Arith):
//
//	node                        null or absent input   array field input           result
//	Field (inside a Call/Arith) null                   each element in turn        the element
//	Literal                     -                      -                           itself
//	Call f(x, ...)              null (every function)  evaluated per element       per function
//	Arith x + y (- * / %)       null                   evaluated per element       number or null
//	In / Match / Compare on it  null                   TRUE if any element is      TRUE, FALSE or null
//	IsNull on it                TRUE                   FALSE                       TRUE or FALSE
//
// Kleene's connectives, for reference (null is "unknown"):
//
//	a      b      a and b  a or b   not a
//	TRUE   null   null     TRUE     FALSE
//	FALSE  null   FALSE    null     TRUE
//	null   null   null     null     null
//
// An optional field (`?f`) behaves exactly like f: Elasticsearch reads an
// unmapped optional field as null instead of rejecting the query, and eqlx,
// which has no mapping, treats every field as mapped and possibly absent.
//
// A non-string value never matches a Match (a number, a boolean, an IP is
// not a string). `:` is the same node as `like~`. Several values or
// patterns are alternatives: the predicate holds when any value (pattern)
// matches any element.
//
// Compare between two non-constant operands (`f == g`, only reachable
// through functions in the corpus, since Elasticsearch refuses a field
// compared with a field) is a script predicate: null when either side is
// null, otherwise the comparison; Ne is not(Eq).
//
// Compare with the ordering operators on a field is a range query: false
// on absent, any element, and `not f < 5` is true on an absent field. That
// is why `not f < 5` is NOT `f >= 5` under this contract, and no pass
// rewrites one to the other (see "Known differences" for the optimizer of
// Elasticsearch before 7.15, which did).
//
// # Case
//
// `==`, `!=`, `in`, `not in`, `like`, `regex` and the functions without `~`
// are case-sensitive. `in~`, `like~`, `:`, `regex~` and `f~()` (between,
// endsWith, indexOf, startsWith, stringContains) fold case with Unicode
// simple case folding (Fold gives the key: two strings are equal ignoring
// case when their Fold keys are equal). Ordering comparisons (`<` ...) are
// always case-sensitive, by code point.
//
// # Wildcards and regular expressions
//
// Wildcard patterns (Match Kind Wildcard): `*` matches any run of characters
// including none, `?` exactly one character (one code point). There is no
// escape character: a backslash is a literal backslash, and a pattern cannot
// match a literal `*` or `?` other than by the wildcard itself. The whole
// value must match (`"*ssh*"` to find a substring).
//
// `*` and `?` are literal characters after `==`, `!=`, `in` and `in~`
// (ir/pass warns "eql/literal-wildcard" about them).
//
// Regular expressions (Kind Regex) use Lucene's RegExp syntax and are
// anchored to the whole value: `regex "ab"` does not match "xaby". Lucene
// has no lookaround, no lazy quantifiers and no anchors (`^`, `$` are
// literals); `.` matches any character. Every pattern in the corpus is also
// valid RE2 when wrapped as `^(?:p)$` (with `(?i)` for `regex~`).
//
// # Types
//
//   - Numbers: an integer and a float compare numerically (1 == 1.0).
//   - A string never equals a number: on a field that the ECS catalogue
//     (ir/ecs) does not know, the JSON types decide, and "12" is not 12.
//   - A field the catalogue types as keyword-like (keyword, wildcard,
//     constant_keyword, text) holds strings: `==`/`in` compare strings, and
//     a number on either side stands for its decimal text, as
//     Elasticsearch indexes and queries a keyword (`event.code == 4624`
//     matches "4624" and 4624).
//   - A field typed numeric holds numbers: a JSON string holding a number
//     is that number (Elasticsearch coerces it when indexing).
//   - Booleans equal only booleans (true is not "true", not 1).
//   - IP-typed fields (ecs type ip: source.ip, destination.ip, host.ip, ...)
//     compare by address: "::1" equals "0:0:0:0:0:0:0:1", and "10.0.0.1"
//     equals "::ffff:10.0.0.1". cidrMatch works on them.
//   - Date fields compare as instants; a string literal is read as a date.
//   - Integer arithmetic is on 64-bit integers; `/` on two integers
//     truncates toward zero and `%` takes the sign of the dividend (Java:
//     -7 / 2 == -3, -7 % 2 == -1); either operand a float gives a float.
//     Division by zero fails the query in Elasticsearch; eqlx gives null
//     (and never folds it). Arithmetic on a non-number is null.
//
// # Functions
//
// Every function returns null when any argument is null (cidrMatch and
// stringContains included), per the Elasticsearch docs; `f~` folds case.
// Documented quirks that implementations reproduce:
//
//   - between(s, left, right[, greedy]): "" when a delimiter is absent;
//     between("", ...) is "".
//   - cidrMatch(ip, cidr, ...): IPv4 and IPv6; true when ip is in any cidr.
//   - concat(a, ...): string forms joined; null if any argument is null.
//   - endsWith, startsWith: suffix / prefix test.
//   - indexOf(s, sub[, start]): first index at or after start (a negative
//     start is 0); null when not found or start is beyond the length;
//     indexOf(s, "") is start.
//   - length(s): length of a string in UTF-16 code units (Java).
//   - number(s[, base]): parses integers (0x prefix auto-detected, sign and
//     surrounding blanks allowed) and floats; "" is null.
//   - string(v): the string form of v.
//   - stringContains(s, sub): substring test; false when sub is "".
//   - substring(s, start[, end]): Python-style negative offsets; a start
//     beyond the end gives "".
//   - add, subtract, multiply, divide, modulo: as + - * / %.
//
// # Events and categories
//
// EventQuery.Category "any" matches every event. Otherwise the event
// matches only when its CategoryField (event.category, an array in ECS,
// unless the rule sets event_category_override) has an element equal to
// Category, case-sensitively; an absent category field never matches.
//
// # Sequences
//
// Following the Elasticsearch docs ("How sequence queries handle
// matches"):
//
//   - Events are considered in stream order (by @timestamp, then document
//     order). Each event is offered to the stages from the last to the first,
//     so one event never fills two stages of the same partial sequence.
//   - The join key of a stage is the sequence's By followed by the stage's
//     By, evaluated on the event. Keys compare by value, case-sensitively.
//     A key that is absent (null) never joins: the event cannot take part in
//     a sequence, unless that key is an optional field (?f), in which case
//     null is a value that joins with null.
//   - There is at most one pending partial sequence per (stage, key); a newer
//     one overwrites the older one.
//   - maxspan is measured from the first event's @timestamp: a partial
//     sequence may be completed by an event whose timestamp is at most
//     first + maxspan (inclusive); older partial sequences are dropped.
//   - until [q]: an event matching q drops every pending partial sequence of
//     its key; it is never part of a result, and has no effect on completed
//     sequences.
//   - `with runs=N` is N consecutive copies of the stage.
//   - A missing stage `![q]` (needs maxspan) matches when no event matching
//     q with the same key occurs between its neighbours (or, at the end,
//     before the window closes); results carry a placeholder for it.
//   - A completed sequence is a result; its events are not reused.
//
// Samples (`sample by k [q1] [q2] ...`) take one event per filter, in any
// order, all sharing the join keys, with no time bound; each event fills
// at most one filter.
//
// Pipes: `| head N` keeps the first N results, `| tail N` the last N.
//
// # Known differences from a live Elasticsearch
//
// eqlx has no index mapping and no cluster, so:
//
//   - Keyword fields longer than the mapping's ignore_above (1024 for most
//     ECS keywords) are not indexed in Elasticsearch, so no query predicate
//     sees them; eqlx evaluates them like any other value.
//   - text-typed fields (message, *.text) are analysed in Elasticsearch;
//     eqlx treats every string field as a keyword.
//   - Unmapped fields without `?` make Elasticsearch reject the query; eqlx
//     treats every field as mapped and possibly absent (ir/pass warns about
//     fields that are not in the ECS catalogue).
//   - endsWith and stringContains of a field become wildcard queries whose
//     pattern is the literal with `*` around it, unescaped: a `*`, `?` or
//     `\` inside the literal acts as Lucene wildcard syntax there. eqlx
//     evaluates the functions as documented (a literal suffix or
//     substring); no corpus rule passes such a literal. Likewise
//     cidrMatch of a field that is not ip-typed is a terms query on the
//     network strings themselves; eqlx tests the address in the networks
//     whatever the field's type (the corpus uses it on ip fields only).
//   - The Not rule (Kleene inside a script, must_not elsewhere) follows
//     Elasticsearch's translator (QL's ExpressionTranslators.Nots and EQL's
//     QueryTranslator) on the normalised IR. Elasticsearch applies it after
//     its own optimizer, whose rewrites ir/pass follows but does not copy
//     one for one; a condition shaped so that the two optimizers leave a
//     Not over a script in one and over a bool query in the other could
//     differ on events where the script is null.
//   - Before 7.15 Elasticsearch's EQL optimizer used QL's
//     BooleanSimplification, which replaces `not f < 5` by `f >= 5` (false
//     on an absent field), and QL's PropagateEquals, which folds
//     `f == "a" and f == "b"` to false (wrong for arrays: 30 corpus rules
//     rely on two == on process.args). PR #74567 (multi-valued fields,
//     7.15) swapped in an EQL-specific simplification; this contract
//     follows the multi-valued reading (must_not, any element) and does not
//     model the older optimizer. ir/pass never applies De Morgan to a group
//     holding an ordering comparison, so it never creates a `not f < 5`
//     that either reading could disagree on.
//   - Samples are unbounded in Elasticsearch (limited by the search window);
//     a streaming evaluator needs a window and says so.
//
// # Printing
//
// Print renders a query as canonical EQL that reads back to the same IR;
// PrintExpr renders one expression. The table of what prints as what is in
// Print's documentation.
package ir
