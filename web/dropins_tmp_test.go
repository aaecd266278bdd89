package web_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	graphql "github.com/graph-gophers/graphql-go"
)

func TestTmpDropins(t *testing.T) {
	s := graphql.MustParseSchema(schemaSDL, nil)
	files, _ := filepath.Glob("testdata/dropins/*.json")
	for _, f := range files {
		var p struct{ Package string; Operations []struct{ Name, Source, Query string } }
		b, _ := os.ReadFile(f)
		json.Unmarshal(b, &p)
		for _, op := range p.Operations {
			errs := s.Validate(op.Query)
			if len(errs) == 0 { t.Logf("OK   %s %s", p.Package, op.Name); continue }
			for _, e := range errs { t.Logf("FAIL %s %s: %s", p.Package, op.Name, e.Message) }
		}
	}
}
