package falco

import (
	"fmt"
	"strings"
)

// Version chooses the Falco dialect a rendering targets.
type Version uint8

// The two renderings.
const (
	// Current is the dialect of current Falco (0.42 and later, engine
	// 0.57.0): no `evt.dir`, which Falco 0.42 deprecated, and the newer
	// fields and transformers (tolower, iglob, proc.pexepath, ...) where
	// they make a translation exact or shorter.
	Current Version = iota + 1
	// Portable is accepted both by current Falco and by the legacy filter
	// compiler of sysdig 0.29.3 (Falco 0.31's libs): fully parenthesised,
	// `=` only, no `intersects`, no double `not`, no regex, iglob or
	// transformers, only fields sysdig 0.29.3 knows, and `evt.dir = <` on
	// process starts so that enter events never match.
	Portable
)

// String is the name --falco-version takes.
func (v Version) String() string {
	switch v {
	case Current:
		return "current"
	case Portable:
		return "portable"
	}
	return "unknown"
}

// ParseVersion reads a --falco-version value: "current" (also "" and
// "latest") or "portable" (also "sysdig", "legacy", "0.29" and "0.29.3",
// the sysdig release whose engine the portable form is checked on).
func ParseVersion(s string) (Version, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "current", "latest":
		return Current, nil
	case "portable", "sysdig", "legacy", "0.29", "0.29.3":
		return Portable, nil
	}
	return 0, fmt.Errorf("unknown Falco version %q: want current or portable", s)
}

// Options control Convert and Render.
type Options struct {
	// Version is the dialect; the zero value means Current.
	Version Version
	// FieldMap replaces the built-in ECS -> Falco map; nil means
	// DefaultFieldMap().
	FieldMap *FieldMap
}

func (o Options) version() Version {
	if o.Version == Portable {
		return Portable
	}
	return Current
}

func (o Options) fields() *FieldMap {
	if o.FieldMap == nil {
		return DefaultFieldMap()
	}
	return o.FieldMap
}
