package sigmatest

import (
	"fmt"
	"path"
	"strings"
	"unicode"
)

// expr is a parsed condition.
type expr interface {
	eval(search func(string) bool) bool
}

type identE string
type notE struct{ x expr }
type andE struct{ l, r expr }
type orE struct{ l, r expr }
type ofE struct {
	all   bool
	names []string
}

func (e identE) eval(s func(string) bool) bool { return s(string(e)) }
func (e notE) eval(s func(string) bool) bool   { return !e.x.eval(s) }
func (e andE) eval(s func(string) bool) bool   { return e.l.eval(s) && e.r.eval(s) }
func (e orE) eval(s func(string) bool) bool    { return e.l.eval(s) || e.r.eval(s) }
func (e ofE) eval(s func(string) bool) bool {
	for _, n := range e.names {
		if s(n) != e.all {
			return !e.all
		}
	}
	return e.all
}

// parseCondition parses the condition grammar of the rules specification:
// or < and < not < `x of` < parentheses.
func parseCondition(src string, names []string) (expr, error) {
	p := &condParser{names: names}
	for _, f := range strings.FieldsFunc(strings.NewReplacer("(", " ( ", ")", " ) ").Replace(src), unicode.IsSpace) {
		p.toks = append(p.toks, f)
	}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.i != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.i])
	}
	return e, nil
}

type condParser struct {
	toks  []string
	i     int
	names []string
}

func (p *condParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *condParser) or() (expr, error) {
	l, err := p.and()
	for err == nil && p.peek() == "or" {
		p.i++
		var r expr
		r, err = p.and()
		l = orE{l, r}
	}
	return l, err
}

func (p *condParser) and() (expr, error) {
	l, err := p.not()
	for err == nil && p.peek() == "and" {
		p.i++
		var r expr
		r, err = p.not()
		l = andE{l, r}
	}
	return l, err
}

func (p *condParser) not() (expr, error) {
	if p.peek() == "not" {
		p.i++
		x, err := p.not()
		return notE{x}, err
	}
	return p.atom()
}

func (p *condParser) atom() (expr, error) {
	t := p.peek()
	p.i++
	switch {
	case t == "":
		return nil, fmt.Errorf("unexpected end")
	case t == "(":
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, fmt.Errorf("missing )")
		}
		p.i++
		return e, nil
	case t == "1" || t == "any" || t == "all":
		if p.peek() != "of" {
			return nil, fmt.Errorf("expected `of` after %q", t)
		}
		p.i++
		pat := p.peek()
		p.i++
		var names []string
		for _, n := range p.names {
			if pat == "them" {
				if !strings.HasPrefix(n, "_") {
					names = append(names, n)
				}
				continue
			}
			if ok, _ := path.Match(pat, n); ok {
				names = append(names, n)
			}
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("%q matches no search identifier", pat)
		}
		return ofE{all: t == "all", names: names}, nil
	case t == ")" || t == "and" || t == "or" || t == "of":
		return nil, fmt.Errorf("unexpected %q", t)
	}
	for _, n := range p.names {
		if n == t {
			return identE(t), nil
		}
	}
	return nil, fmt.Errorf("unknown search identifier %q", t)
}
