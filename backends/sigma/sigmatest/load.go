package sigmatest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"gopkg.in/yaml.v3"
)

// Doc is one YAML document as JSON-compatible values (maps, lists, strings,
// float64/int, bool, nil); YAML timestamps become "YYYY-MM-DD" strings, as
// the schemas expect.
type Doc = map[string]any

// ReadDocs decodes every document of a YAML stream.
func ReadDocs(data []byte) ([]Doc, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []Doc
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return docs, err
		}
		m, ok := jsonable(v).(map[string]any)
		if !ok {
			return docs, fmt.Errorf("document %d is not a mapping", len(docs)+1)
		}
		docs = append(docs, m)
	}
}

// jsonable converts yaml.v3 values to what encoding/json would produce.
func jsonable(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = jsonable(x)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[fmt.Sprint(k)] = jsonable(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = jsonable(x)
		}
		return out
	case time.Time:
		return v.Format("2006-01-02")
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case uint64:
		return float64(v)
	}
	return v
}
