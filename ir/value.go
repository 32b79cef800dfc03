package ir

import (
	"strconv"
)

// Kind is the type of a constant.
type Kind uint8

// The constant types of EQL.
const (
	KindNull Kind = iota
	KindBool
	KindInt
	KindFloat
	KindString
)

// String names the kind.
func (k Kind) String() string {
	return [...]string{"null", "bool", "int", "float", "string"}[k]
}

// Value is a constant. Only the field of its Kind is meaningful.
type Value struct {
	Kind  Kind
	Bool  bool
	Int   int64
	Float float64
	Str   string
}

// Null is the null constant.
var Null = Value{Kind: KindNull}

// BoolValue returns the boolean constant b.
func BoolValue(b bool) Value { return Value{Kind: KindBool, Bool: b} }

// IntValue returns the integer constant i.
func IntValue(i int64) Value { return Value{Kind: KindInt, Int: i} }

// FloatValue returns the floating-point constant f.
func FloatValue(f float64) Value { return Value{Kind: KindFloat, Float: f} }

// StringValue returns the string constant s.
func StringValue(s string) Value { return Value{Kind: KindString, Str: s} }

// IsNull reports whether v is the null constant.
func (v Value) IsNull() bool { return v.Kind == KindNull }

// String renders v as an EQL literal: strings quoted and escaped so that the
// EQL parser reads back the same value.
func (v Value) String() string {
	switch v.Kind {
	case KindBool:
		return strconv.FormatBool(v.Bool)
	case KindInt:
		return strconv.FormatInt(v.Int, 10)
	case KindFloat:
		s := strconv.FormatFloat(v.Float, 'g', -1, 64)
		if !containsAny(s, ".eEn") { // keep it a float when read back: 2.0, not 2
			s += ".0"
		}
		return s
	case KindString:
		return Quote(v.Str)
	}
	return "null"
}

func containsAny(s, chars string) bool {
	for i := 0; i < len(s); i++ {
		for j := 0; j < len(chars); j++ {
			if s[i] == chars[j] {
				return true
			}
		}
	}
	return false
}

// Quote renders s as a double-quoted EQL string. It escapes '"' and '\',
// the control characters EQL names (\t \n \r \b \f), and any other control
// or invalid character as \u{...}, so the result is one line and reads back
// as s.
func Quote(s string) string {
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for _, r := range s {
		switch r {
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		case '\t':
			b = append(b, '\\', 't')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		default:
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0xfffd || r == 0x2028 || r == 0x2029 || isBidiControl(r) {
				b = append(b, `\u{`...)
				b = strconv.AppendInt(b, int64(r), 16)
				b = append(b, '}')
				continue
			}
			b = append(b, string(r)...)
		}
	}
	return string(append(b, '"'))
}

// isBidiControl reports the invisible characters that reorder how text is
// displayed (the "Trojan Source" characters): printed raw, they would make a
// rule read differently from what it matches.
func isBidiControl(r rune) bool {
	return r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}
