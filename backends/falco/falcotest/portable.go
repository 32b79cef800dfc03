package falcotest

import (
	"fmt"
	"strings"
)

// portableOps are the operators both current Falco and sysdig 0.29.3's
// legacy compiler accept with the same meaning (notes §4.2, §4.3).
var portableOps = map[string]bool{
	"=": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true,
	"contains": true, "icontains": true, "startswith": true, "endswith": true,
	"glob": true, "in": true, "pmatch": true, "exists": true,
}

// ParsePortable checks that cond is in the portable form that current Falco
// and the legacy compiler of sysdig 0.29.3 both accept with one meaning: it
// must parse with the current grammar and also avoid what the legacy
// compiler rejects or reads differently (notes §4.3, §4.4): `and` mixed
// with `or` without parentheses, `==`, `intersects`, `iglob`, `regex`,
// `bcontains`, `bstartswith`, operator modifiers, transformers and val(),
// macros and list names, a `not` directly under a `not` (the legacy
// compiler reads `not not x` as `not x`), quoted strings holding the other
// quote character (the legacy lexer ends them there), escapes other than
// \\ and \" (the legacy lexer keeps \n, \t, ... as two characters),
// comparison operands that are not decimal integers, and values longer
// than 255 bytes (the legacy checks' value buffer).
func ParsePortable(cond string) error {
	n, p, err := parseCurrent(cond)
	if err != nil {
		return err
	}
	for _, q := range p.quotes {
		if msg := portableLiteral(q.raw); msg != "" {
			return p.errorAt(q.pos, msg)
		}
	}
	return p.portable(n, nil)
}

// errorAt builds a positioned error without unwinding.
func (p *parser) errorAt(at int, msg string) (err error) {
	defer func() { err = recover().(bail).err }()
	p.fail(at, "%s", msg)
	return nil
}

func portableLiteral(raw string) string {
	delim := raw[0]
	other := byte('\'')
	if delim == '\'' {
		other = '"'
	}
	body := raw[1 : len(raw)-1]
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case other:
			return fmt.Sprintf("not portable: sysdig 0.29.3 ends a quoted string at %c", other)
		case '\\':
			i++
			if i < len(body) && body[i] != '\\' && body[i] != delim {
				return fmt.Sprintf("not portable: sysdig 0.29.3 reads \\%c as two characters", body[i])
			}
			if i < len(body) && body[i] == delim && delim == '\'' {
				return "not portable: sysdig 0.29.3 has no \\' escape"
			}
		}
	}
	return ""
}

func (p *parser) portable(n, parent *Node) error {
	switch n.Kind {
	case OrNode, AndNode:
		if parent != nil && (parent.Kind == OrNode || parent.Kind == AndNode) && parent.Kind != n.Kind && !n.Paren {
			return p.errorAt(n.Pos, "not portable: 'and' mixed with 'or' without parentheses")
		}
	case NotNode:
		if n.Children[0].Kind == NotNode {
			return p.errorAt(n.Pos, "not portable: sysdig 0.29.3 reads a double 'not' as one")
		}
	case MacroNode:
		return p.errorAt(n.Pos, fmt.Sprintf("not portable: macro %q (sysdig has no macros)", n.Macro))
	case CheckNode:
		switch {
		case !portableOps[n.Op]:
			return p.errorAt(n.Pos, fmt.Sprintf("not portable: operator %q", n.Op))
		case n.Transformer || n.RightIsExpr:
			return p.errorAt(n.Pos, "not portable: transformers and val() need Falco >= 0.38")
		case n.List != "":
			return p.errorAt(n.Pos, fmt.Sprintf("not portable: list %q (sysdig has no lists)", n.List))
		case tooLong(n.Values) != "":
			return p.errorAt(n.Pos, fmt.Sprintf("not portable: sysdig 0.29.3 rejects filter values of %d bytes or more (%.40q...)", maxLegacyValue+1, tooLong(n.Values)))
		case strings.HasPrefix(n.Op, "<") || strings.HasPrefix(n.Op, ">"):
			if v := n.Values[0]; !isDecimal(v) {
				return p.errorAt(n.Pos, fmt.Sprintf("not portable: sysdig 0.29.3 does not read %q as a number", v))
			}
		}
	}
	for _, c := range n.Children {
		if err := p.portable(c, n); err != nil {
			return err
		}
	}
	return nil
}

// maxLegacyValue is the longest filter value sysdig 0.29.3 takes: its
// legacy filter checks parse each value into a 256-byte buffer that keeps
// a final NUL ("filter parameter too long"); current libsinsp grows the
// buffer instead.
const maxLegacyValue = 255

func tooLong(vals []string) string {
	for _, v := range vals {
		if len(v) > maxLegacyValue {
			return v
		}
	}
	return ""
}

func isDecimal(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if !isDigit(c) {
			return false
		}
	}
	return true
}
