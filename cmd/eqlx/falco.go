package main

import (
	"os"

	"github.com/eqlx/eqlx/backends/falco"
	"github.com/eqlx/eqlx/ir"
)

// falcoSetup is what the falco target needs, from the flags.
type falcoSetup struct {
	version falco.Version
	m       *falco.FieldMap
}

// setupFalco checks --falco-version and reads --field-map for --to falco.
func setupFalco(o *targetOptions) error {
	v, err := falco.ParseVersion(o.falcoVersion)
	if err != nil {
		return usagef("--falco-version: %v", err)
	}
	o.falco.version = v
	if o.fieldMap != "" {
		data, err := os.ReadFile(o.fieldMap)
		if err != nil {
			return usagef("--field-map: %v", err)
		}
		m, ds := falco.LoadFieldMap(data, o.fieldMap)
		if err := fieldMapErr(ds, data); err != nil {
			return err
		}
		o.falco.m = m
	}
	return nil
}

// emitFalco renders rules with backends/falco: one rules file.
func emitFalco(rules []*ir.Rule, o *targetOptions) (emitted, error) {
	files, rep := falco.Render(rules, falco.Options{Version: o.falco.version, FieldMap: o.falco.m})
	return emitted{files: files, rep: rep}, nil
}

// falcoFields is the falco table of `eqlx fields`: ECS field, Falco field
// or expression, and a note on what is approximate.
func falcoFields(data []byte, name string) ([][3]string, error) {
	m := falco.DefaultFieldMap()
	if name != "" {
		fm, ds := falco.LoadFieldMap(data, name)
		if err := fieldMapErr(ds, data); err != nil {
			return nil, err
		}
		m = fm
	}
	var rows [][3]string
	for _, r := range m.Rows() {
		rows = append(rows, [3]string{r.ECS, r.Falco, r.Note})
	}
	return rows, nil
}
