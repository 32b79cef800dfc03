package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/eqlx/eqlx/backends/sigma"
)

// fieldTargets are the values of `eqlx fields --to`.
var fieldTargets = []string{"falco", "sigma"}

// newFields is `eqlx fields`: the ECS field mapping a target uses, so that a
// user can see what --field-map would change.
func newFields(e *env) *cobra.Command {
	var to, fieldMap string
	cmd := &cobra.Command{
		Use:   "fields [--to falco|sigma] [--field-map FILE]",
		Short: "Print the ECS field mapping a target uses",
		Long: `fields prints the table that maps ECS fields to the target's fields: the
built-in one, or the built-in one extended and overridden by --field-map.
One line per ECS field: the ECS name, the target's field or expression, and
how the value is carried over (sigma: rename, basename, element,
extension; falco: a note on what is approximate).`,
		Example: "  eqlx fields --to sigma\n  eqlx fields --to sigma --field-map my-fields.yml",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			var data []byte
			if fieldMap != "" {
				var err error
				if data, err = os.ReadFile(fieldMap); err != nil {
					return usagef("--field-map: %v", err)
				}
			}
			var rows [][3]string
			var err error
			switch to {
			case "sigma":
				rows, err = sigmaFields(data, fieldMap)
			case "falco":
				rows, err = falcoFields(data, fieldMap)
			default:
				return usagef("--to %q: want falco or sigma", to)
			}
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			tw := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
			head := [3]string{"ECS", "SIGMA", "KIND"}
			if to == "falco" {
				head = [3]string{"ECS", "FALCO", "NOTE"}
			}
			for _, r := range append([][3]string{head}, rows...) {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", r[0], r[1], r[2])
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			// An empty last cell would leave the padding of the one
			// before it at the end of the line.
			for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
				if _, err := fmt.Fprintln(e.stdout, strings.TrimRight(line, " ")); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "falco", "target: falco or sigma")
	cmd.Flags().StringVar(&fieldMap, "field-map", "", "YAML file that extends and overrides the built-in map")
	_ = cmd.RegisterFlagCompletionFunc("to", cobra.FixedCompletions(fieldTargets, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// sigmaFields is the sigma table: ECS path, Sigma field, mapping kind.
func sigmaFields(data []byte, name string) ([][3]string, error) {
	m := sigma.DefaultFieldMap()
	if name != "" {
		fm, diags := sigma.LoadFieldMap(data, name)
		if err := fieldMapErr(diags, data); err != nil {
			return nil, err
		}
		m = fm
	}
	var rows [][3]string
	for _, p := range m.Paths() {
		t, _ := m.Lookup(p)
		rows = append(rows, [3]string{p, t.Field, t.Kind.String()})
	}
	return rows, nil
}
