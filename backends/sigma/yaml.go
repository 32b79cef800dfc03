package sigma

import (
	"bytes"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Small constructors for yaml.v3 nodes: the emitter builds documents as
// nodes so that key order and quoting are fixed, not left to reflection.

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Content: items}
}

// plain is an unquoted string scalar (yaml.v3 still quotes it when it would
// read back as another type).
func plain(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// quoted is a single-quoted string scalar, as the Sigma specification asks
// for values.
func quoted(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: yaml.SingleQuotedStyle}
}

// date is an unquoted YYYY-MM-DD, written as SigmaHQ writes dates.
func date(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!timestamp", Value: s}
}

// scalar renders one detection value.
func scalar(v any) *yaml.Node {
	switch v := v.(type) {
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)}
	case int64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(v, 10)}
	case float64:
		s := strconv.FormatFloat(v, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEn") {
			s += ".0"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: s}
	case string:
		return quoted(v)
	}
	return quoted("")
}

// add appends key: value to a mapping node.
func add(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, plain(key), v)
}

// strList is a sequence of plain strings.
func strList(ss []string, q func(string) *yaml.Node) *yaml.Node {
	n := seq()
	for _, s := range ss {
		n.Content = append(n.Content, q(s))
	}
	return n
}

// encode writes one document with four-space indentation and no leading
// document marker.
func encode(doc *yaml.Node) []byte {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(4)
	if err := enc.Encode(doc); err != nil {
		// Encoding nodes built here cannot fail; keep the output well-formed.
		return []byte("# encoding error: " + err.Error() + "\n")
	}
	_ = enc.Close()
	return buf.Bytes()
}
