package frontend

import (
	"bytes"
	"crypto/sha1"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/eqlx/eqlx/ir"
)

// loadEQL reads a bare query (a .eql file or stdin): the whole text is the
// query and Options supply the metadata.
func loadEQL(name string, data []byte, opt Options) unit {
	start := 0
	if bytes.HasPrefix(data, bom) {
		start = len(bom) // editors count the mark as no column
	}
	ruleName := opt.Name
	if ruleName == "" {
		ruleName = stem(name)
	}
	id := opt.RuleID
	if id == "" {
		id = nameUUID(ruleName)
	}
	sev := opt.Severity
	if sev == "" {
		sev = "medium"
	}
	base := ir.Pos{File: name, Offset: start, Line: 1, Col: 1}
	meta := ir.Meta{
		File:                  name,
		QueryPos:              base,
		RuleID:                id,
		Name:                  ruleName,
		Severity:              sev,
		Language:              "eql",
		Type:                  "eql",
		EventCategoryOverride: opt.CategoryField,
	}
	return unit{meta: meta, query: string(data[start:]), loc: queryLoc{base: base}}
}

// stem is a file's name without directory and extension; stdin is "stdin".
func stem(name string) string {
	if name == "-" || name == "" {
		return "stdin"
	}
	base := filepath.Base(name)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// nameUUID derives a version-5 (SHA-1, name-based) UUID from a rule name, so
// that a raw query gets the same rule_id on every run. The namespace is the
// RFC 9562 URL namespace and the name "urn:eqlx:rule:" + name.
func nameUUID(name string) string {
	ns := [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte("urn:eqlx:rule:" + name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
